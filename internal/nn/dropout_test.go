package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"rnnbench/internal/tensor"
)

func TestDropoutZeroIsNoOp(t *testing.T) {
	var a tensor.Arena[float32]
	d := Dropout[float32]{}
	d.Alloc(&a, 100)
	if d.Mask != nil || a.Bytes(tensor.Activation) != 0 {
		t.Fatal("P = 0 allocated a mask")
	}
	x := []float32{1, 2, 3}
	d.Forward(x, nil) // nil rng: must not draw
	d.Backward(x)
	if x[0] != 1 || x[1] != 2 || x[2] != 3 {
		t.Fatalf("x changed: %v", x)
	}
}

func TestDropoutMask(t *testing.T) {
	const n = 20000
	var a tensor.Arena[float64]
	d := Dropout[float64]{P: 0.2}
	d.Alloc(&a, n)
	x := make([]float64, n)
	tensor.Fill(x, 2)
	d.Forward(x, rand.New(rand.NewPCG(21, 22)))
	zeros := 0
	for i, m := range d.Mask {
		switch {
		case m == 0 && x[i] == 0:
			zeros++
		case m == 1.25 && x[i] == 2.5:
		default:
			t.Fatalf("mask[%d] = %v, x = %v", i, m, x[i])
		}
	}
	// Binomial(20000, 0.2): sd ≈ 57; allow 5 sd
	if math.Abs(float64(zeros)-0.2*n) > 5*57 {
		t.Fatalf("%d zeros of %d, want about %d", zeros, n, n/5)
	}
	// same seed, same mask
	first := append([]float64(nil), d.Mask...)
	d.Forward(make([]float64, n), rand.New(rand.NewPCG(21, 22)))
	assertClose(t, "mask", d.Mask, first, 0)
}

func TestDropoutGrad(t *testing.T) {
	const n = 40
	rng := rand.New(rand.NewPCG(23, 24))
	var a tensor.Arena[float64]
	d := Dropout[float64]{P: 0.5}
	d.Alloc(&a, n)
	x := randn(rng, n)
	w := randn(rng, n)
	y := make([]float64, n)
	f := func() float64 {
		copy(y, x)
		d.Forward(y, rand.New(rand.NewPCG(25, 26))) // same mask every call
		return dot(w, y)
	}
	f()
	dx := append([]float64(nil), w...)
	d.Backward(dx)
	assertClose(t, "dx", dx, numGrad(f, x), fdTol)
}

func TestDropoutPanicsOnBadP(t *testing.T) {
	for _, p := range []float64{-0.1, 1} {
		mustPanic(t, fmt.Sprintf("P = %v", p), func() {
			(&Dropout[float32]{P: p}).Alloc(&tensor.Arena[float32]{}, 1)
		})
	}
}
