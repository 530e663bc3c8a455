package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"rnnbench/internal/tensor"
)

func TestCrossEntropyUniform(t *testing.T) {
	const M, V = 3, 5
	logits := make([]float64, M*V) // all 0: softmax uniform
	targets := []int32{0, 3, -1}
	dl := make([]float64, M*V)
	for i := range dl {
		dl[i] = 99 // must be overwritten, ignored row too
	}
	loss, count, correct := SoftmaxCrossEntropy(dl, logits, targets, make([]float64, M), M, V)
	if math.Abs(loss-math.Log(V)) > 1e-15 || count != 2 || correct != 1 {
		// ties resolve to index 0, so only the target-0 row is correct
		t.Fatalf("loss %v count %d correct %d, want log 5 = %v, 2, 1", loss, count, correct, math.Log(V))
	}
	want := []float64{
		(0.2 - 1) / 2, 0.1, 0.1, 0.1, 0.1,
		0.1, 0.1, 0.1, (0.2 - 1) / 2, 0.1,
		0, 0, 0, 0, 0,
	}
	assertClose(t, "dlogits", dl, want, 1e-15)
}

func TestCrossEntropyHand(t *testing.T) {
	// row [ln 1, ln 2, ln 3] → softmax [1/6, 2/6, 3/6]; target 1: loss ln 3
	logits := []float64{0, math.Log(2), math.Log(3)}
	loss, _, correct := SoftmaxCrossEntropy(nil, logits, []int32{1}, make([]float64, 1), 1, 3)
	if math.Abs(loss-math.Log(3)) > 1e-15 || correct != 0 {
		t.Fatalf("loss %v correct %d, want ln 3, 0", loss, correct)
	}
	// no counted rows: loss 0, gradient 0
	dl := []float64{1, 2, 3}
	loss, count, _ := SoftmaxCrossEntropy(dl, logits, []int32{-1}, make([]float64, 1), 1, 3)
	if loss != 0 || count != 0 || dl[0] != 0 || dl[1] != 0 || dl[2] != 0 {
		t.Fatalf("all ignored: loss %v count %d dl %v", loss, count, dl)
	}
}

func TestCrossEntropyGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	const M, V = 5, 7
	logits := randn(rng, M*V)
	for i := range logits {
		logits[i] *= 3
	}
	targets := []int32{6, -1, 0, 3, -1}
	rowLoss := make([]float64, M)
	f := func() float64 {
		l, _, _ := SoftmaxCrossEntropy(nil, logits, targets, rowLoss, M, V)
		return l
	}
	dl := make([]float64, M*V)
	_, count, _ := SoftmaxCrossEntropy(dl, logits, targets, rowLoss, M, V)
	if count != 3 {
		t.Fatalf("count %d, want 3", count)
	}
	assertClose(t, "dlogits", dl, numGrad(f, logits), fdTol)
}

func TestCrossEntropyExtremeLogits(t *testing.T) {
	logits := []float32{1e4, -1e4, -1e4, 1e4}
	dl := make([]float32, 4)
	loss, _, correct := SoftmaxCrossEntropy(dl, logits, []int32{1, 1}, make([]float32, 2), 2, 2)
	// row 0 loss 2e4, row 1 loss log(1+e^−2e4) = 0; mean 1e4
	if loss != 1e4 || correct != 1 || !tensor.IsFinite(dl) {
		t.Fatalf("loss %v correct %d dl %v", loss, correct, dl)
	}
	if dl[0] != 0.5 || dl[1] != -0.5 || dl[2] != 0 || dl[3] != 0 {
		t.Fatalf("dl %v, want [0.5 -0.5 0 0]", dl)
	}
}

func TestCrossEntropyPanicsOnBadTarget(t *testing.T) {
	for _, tg := range []int32{-2, 3} {
		mustPanic(t, fmt.Sprintf("target %d", tg), func() {
			SoftmaxCrossEntropy(nil, make([]float32, 3), []int32{tg}, make([]float32, 1), 1, 3)
		})
	}
}

func TestCrossEntropyDeterministic(t *testing.T) {
	const M, V = 4096, 65 // rowGrain(65) = 252 rows: 17 chunks
	if M <= rowGrain(V) {
		t.Fatal("size too small for tensor.For to split")
	}
	run := func(procs int) (float64, int, []float32) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		rng := rand.New(rand.NewPCG(19, 20))
		logits := make([]float32, M*V)
		tensor.Normal(rng, logits, 2)
		targets := make([]int32, M)
		for i := range targets {
			targets[i] = int32(rng.IntN(V+1)) - 1 // some −1
		}
		dl := make([]float32, M*V)
		loss, _, correct := SoftmaxCrossEntropy(dl, logits, targets, make([]float32, M), M, V)
		return loss, correct, dl
	}
	l1, c1, d1 := run(1)
	l2, c2, d2 := run(2)
	if math.Float64bits(l1) != math.Float64bits(l2) || c1 != c2 {
		t.Fatalf("loss %v / %v, correct %d / %d", l1, l2, c1, c2)
	}
	for i := range d1 {
		if math.Float32bits(d1[i]) != math.Float32bits(d2[i]) {
			t.Fatalf("dlogits[%d]: %v != %v", i, d1[i], d2[i])
		}
	}
	if c1 == 0 || l1 < 1 {
		t.Fatalf("implausible loss %v correct %d", l1, c1)
	}
}

func TestCrossEntropyZeroAllocs(t *testing.T) {
	const M, V = 256, 65
	logits, dl, rowLoss := make([]float32, M*V), make([]float32, M*V), make([]float32, M)
	targets := make([]int32, M)
	for i := range targets {
		targets[i] = int32(i % V)
	}
	if n := testing.AllocsPerRun(20, func() {
		SoftmaxCrossEntropy(dl, logits, targets, rowLoss, M, V)
	}); n != 0 {
		t.Fatalf("%v allocs, want 0", n)
	}
}

// Concurrent calls on different inputs (large enough to split) give
// each the result of a lone call: the loss keeps no call state.
func TestCrossEntropyConcurrent(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	const M, V = 2048, 65
	type result struct {
		loss    float64
		correct int
		dl      []float32
	}
	logits, targets := [2][]float32{}, [2][]int32{}
	call := func(i int) result {
		dl := make([]float32, M*V)
		loss, _, correct := SoftmaxCrossEntropy(dl, logits[i], targets[i], make([]float32, M), M, V)
		return result{loss, correct, dl}
	}
	var want [2]result
	for i := range 2 {
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		logits[i] = make([]float32, M*V)
		tensor.Normal(rng, logits[i], 2)
		targets[i] = make([]int32, M)
		for m := range targets[i] {
			targets[i][m] = int32(rng.IntN(V))
		}
		want[i] = call(i)
	}
	for range 20 {
		var got [2]result
		done := make(chan int)
		for i := range 2 {
			go func() { got[i] = call(i); done <- i }()
		}
		<-done
		<-done
		for i := range 2 {
			if got[i].loss != want[i].loss || got[i].correct != want[i].correct {
				t.Fatalf("call %d: loss %v correct %d, alone %v %d", i, got[i].loss, got[i].correct, want[i].loss, want[i].correct)
			}
			for j := range got[i].dl {
				if got[i].dl[j] != want[i].dl[j] {
					t.Fatalf("call %d: dlogits[%d] %v, alone %v", i, j, got[i].dl[j], want[i].dl[j])
				}
			}
		}
	}
}
