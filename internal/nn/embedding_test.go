package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"rnnbench/internal/tensor"
)

func TestEmbeddingForwardBackward(t *testing.T) {
	var ps tensor.ParamSet[float64]
	e := NewEmbedding(&ps, "wte", 3, 2)
	ps.Finalize()
	if !e.W.Embed || e.W.Decay || e.W.Name != "wte.weight" || ps.CountNonEmbedding() != 0 {
		t.Fatalf("param flags: %+v", e.W)
	}
	copy(e.W.Data, []float64{1, 2, 3, 4, 5, 6}) // W: [3, 2]
	tokens := []int32{2, 0, 2}
	y := make([]float64, 6)
	e.Forward(y, tokens)
	assertClose(t, "y", y, []float64{5, 6, 1, 2, 5, 6}, 0)

	dy := []float64{1, 10, 100, 1000, 0.5, 0.25}
	e.W.Grad[2] = 7 // row 1 untouched, must stay 7
	e.Backward(dy, tokens)
	assertClose(t, "dW", e.W.Grad, []float64{100, 1000, 7, 0, 1.5, 10.25}, 0)

	// finite differences agree (the map is linear in W)
	clear(e.W.Grad)
	rng := rand.New(rand.NewPCG(5, 6))
	w := randn(rng, 6)
	f := func() float64 { e.Forward(y, tokens); return dot(w, y) }
	e.Backward(w, tokens)
	assertClose(t, "dW fd", e.W.Grad, numGrad(f, e.W.Data), fdTol)
}

func TestEmbeddingPanicsOutOfRange(t *testing.T) {
	var ps tensor.ParamSet[float32]
	e := NewEmbedding(&ps, "wte", 4, 2)
	ps.Finalize()
	for _, tok := range []int32{-1, 4} {
		mustPanic(t, fmt.Sprintf("Forward, token %d", tok), func() { e.Forward(make([]float32, 2), []int32{tok}) })
		mustPanic(t, fmt.Sprintf("Backward, token %d", tok), func() { e.Backward(make([]float32, 2), []int32{tok}) })
	}
	mustPanic(t, "Forward, short y", func() { e.Forward(make([]float32, 3), []int32{0, 1}) })
	mustPanic(t, "Backward, short dy", func() { e.Backward(make([]float32, 3), []int32{0, 1}) })
}

func TestEmbeddingInitStd(t *testing.T) {
	var ps tensor.ParamSet[float64]
	e := NewEmbedding(&ps, "wte", 100, 100)
	ps.Finalize()
	e.Init(rand.New(rand.NewPCG(7, 8)))
	var s, ss float64
	for _, v := range e.W.Data {
		s += v
		ss += v * v
	}
	n := float64(len(e.W.Data))
	std := math.Sqrt(ss/n - (s/n)*(s/n))
	if math.Abs(std-0.02) > 0.001 || math.Abs(s/n) > 0.001 {
		t.Fatalf("init mean %g std %g, want 0, 0.02", s/n, std)
	}
}
