package optim

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"rnnbench/internal/tensor"
)

// twoParams builds w ([2], decayed) and b ([1], not decayed).
func twoParams() (*tensor.ParamSet[float64], *tensor.Param[float64], *tensor.Param[float64]) {
	ps := &tensor.ParamSet[float64]{}
	w := ps.New("w", true, 2)
	b := ps.New("b", false, 1)
	ps.Finalize()
	return ps, w, b
}

func TestAdamWFirstStepHand(t *testing.T) {
	// After one step m̂ = g and v̂ = g², so the Adam part is
	// lr·g/(|g|+ε): p1 = p0·(1 − lr·wd) − lr·g/(|g|+ε) for w, without the
	// decay factor for b. lr 0.1, wd 0.1, ε 1e-8:
	//   w0 = 1,  g = 0.5:  0.99 − 0.1·0.5/0.50000001  = 0.890000002
	//   w1 = −2, g = −3:   −1.98 + 0.1·3/3.00000001   = −1.88000000033…
	//   b  = 1,  g = 0.5:  1 − 0.0999999980          = 0.900000002
	ps, w, b := twoParams()
	copy(w.Data, []float64{1, -2})
	copy(b.Data, []float64{1})
	copy(ps.Grad, []float64{0.5, -3, 0.5})
	o := NewAdamW(ps, 0.9, 0.999, 1e-8, 0.1)
	o.Step(ps, 0.1)
	want := []float64{0.99 - 0.05/0.50000001, -1.98 + 0.3/3.00000001, 1 - 0.05/0.50000001}
	for i, v := range []float64{0.890000002, -1.880000000333333, 0.900000002} {
		if math.Abs(want[i]-v) > 1e-15 {
			t.Fatalf("hand value %d: %v vs %v", i, want[i], v)
		}
	}
	assertClose(t, "p after 1 step", ps.Data, want, 1e-15)
	if o.T != 1 || o.Bytes() != 2*3*8 {
		t.Fatalf("T %d Bytes %d", o.T, o.Bytes())
	}
}

func TestAdamWTwoStepsTorchFormula(t *testing.T) {
	// torch.optim.AdamW, written out per element for two steps with
	// different gradients and learning rates.
	const b1, b2, eps, wd = 0.9, 0.95, 1e-6, 0.2
	p := []float64{0.7, -1.3, 0.4}
	decay := []bool{true, true, false}
	g1 := []float64{0.3, -0.02, 1.5}
	g2 := []float64{-0.1, 0.04, 0.5}
	lrs := []float64{0.05, 0.02}

	ps, _, _ := twoParams()
	copy(ps.Data, p)
	o := NewAdamW(ps, b1, b2, eps, wd)
	m := make([]float64, 3)
	v := make([]float64, 3)
	for step, g := range [][]float64{g1, g2} {
		lr, tt := lrs[step], float64(step+1)
		for i := range p {
			if decay[i] {
				p[i] *= 1 - lr*wd
			}
			m[i] = b1*m[i] + (1-b1)*g[i]
			v[i] = b2*v[i] + (1-b2)*g[i]*g[i]
			denom := math.Sqrt(v[i])/math.Sqrt(1-math.Pow(b2, tt)) + eps
			p[i] -= lr / (1 - math.Pow(b1, tt)) * m[i] / denom
		}
		copy(ps.Grad, g)
		o.Step(ps, lr)
		assertClose(t, "p", ps.Data, p, 1e-14)
		assertClose(t, "m", o.M, m, 1e-15)
		assertClose(t, "v", o.V, v, 1e-15)
	}
}

func TestAdamWDeterministicAndNoAllocs(t *testing.T) {
	const n = 3*grain + 17 // several chunks, segments crossing chunk edges
	build := func() (*tensor.ParamSet[float32], *AdamW[float32]) {
		ps := &tensor.ParamSet[float32]{}
		ps.New("a", true, grain+5)
		ps.New("b", false, 11)
		ps.New("c", true, n-grain-16)
		ps.Finalize()
		rng := rand.New(rand.NewPCG(1, 2))
		tensor.Normal(rng, ps.Data, 1)
		tensor.Normal(rng, ps.Grad, 1)
		return ps, NewAdamW(ps, 0.9, 0.99, 1e-8, 0.1)
	}
	run := func(procs int) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		ps, o := build()
		for range 3 {
			o.Step(ps, 1e-2)
		}
		return ps.Data
	}
	d1, d2 := run(1), run(2)
	for i := range d1 {
		if math.Float32bits(d1[i]) != math.Float32bits(d2[i]) {
			t.Fatalf("p[%d]: %v != %v", i, d1[i], d2[i])
		}
	}
	// serial reference per element: decay exactly on a and c
	ps, o := build()
	p0 := append([]float32(nil), ps.Data...)
	o.Step(ps, 1e-2)
	for _, i := range []int{0, grain + 4, grain + 5, grain + 15, grain + 16, n - 1} {
		g := float64(ps.Grad[i])
		dec := 1.0
		if i < grain+5 || i >= grain+16 {
			dec = 1 - 1e-2*0.1
		}
		want := float32(float64(p0[i])*dec - 1e-2*g/(math.Abs(g)+1e-8))
		if math.Abs(float64(ps.Data[i]-want)) > 1e-6 {
			t.Fatalf("p[%d] = %v, want %v", i, ps.Data[i], want)
		}
	}
	if a := testing.AllocsPerRun(5, func() { o.Step(ps, 1e-3) }); a != 0 {
		t.Fatalf("Step: %v allocs, want 0", a)
	}
	// Also on the parallel path (AllocsPerRun pins GOMAXPROCS to 1). The
	// runtime itself allocates now and then when goroutines block (its
	// caches of wait records fill up), so the steps must reach zero within
	// a few rounds; an allocation of Step's own would recur every round.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	o.Step(ps, 1e-3)
	least := uint64(1 << 62)
	for range 5 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 5 {
			o.Step(ps, 1e-3)
		}
		runtime.ReadMemStats(&after)
		least = min(least, after.Mallocs-before.Mallocs)
	}
	if least != 0 {
		t.Fatalf("Step at GOMAXPROCS 2: at least %d allocs in every round of 5 steps, want 0", least)
	}
}

func assertClose(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	for i := range want {
		if d := math.Abs(got[i] - want[i]); !(d <= tol*math.Max(1, math.Abs(want[i]))) {
			t.Fatalf("%s[%d] = %.15g, want %.15g", name, i, got[i], want[i])
		}
	}
}
