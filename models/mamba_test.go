package models_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"rnnbench/internal/tensor"
	"rnnbench/models"
	"rnnbench/models/modeltest"
)

func TestMambaConformance(t *testing.T) {
	modeltest.Conformance(t, models.Config{Mixer: "mamba", D: 4, Expansion: 2, N: 3, V: 7, L: 1})
}

// TestMambaConformanceChunks uses R = ⌈17/16⌉ = 2 and E = 17 channels, so the
// scan and conv backward span two channel chunks with a ragged last one.
func TestMambaConformanceChunks(t *testing.T) {
	modeltest.Conformance(t, models.Config{Mixer: "mamba", D: 17, Expansion: 1, N: 2, V: 7, L: 1})
}

func TestMambaTorchFixture(t *testing.T) {
	modeltest.CheckTorchFixture(t, "../testdata/torch/mamba.json")
}

func newMamba(t *testing.T, c models.Config) (*tensor.ParamSet[float64], models.Mixer[float64]) {
	t.Helper()
	return initMixer[float64](t, "m", c, 1, 2)
}

// TestMambaParams checks names, shapes, weight-decay flags and the count
// 3DE + KE + E + E(R+2N) + RE + E + EN + E for D=64, E=128, N=16, R=4, K=4.
func TestMambaParams(t *testing.T) {
	ps, _ := newMamba(t, models.Config{Mixer: "mamba", D: 64, Expansion: 2, N: 16})
	want := []struct {
		name  string
		shape [2]int
		decay bool
	}{
		{"m.in_proj.weight", [2]int{256, 64}, true},
		{"m.conv.weight", [2]int{128, 4}, true},
		{"m.conv.bias", [2]int{128, 0}, false},
		{"m.x_proj.weight", [2]int{36, 128}, true},
		{"m.dt_proj.weight", [2]int{128, 4}, true},
		{"m.dt_proj.bias", [2]int{128, 0}, false},
		{"m.A_log", [2]int{128, 16}, false},
		{"m.D", [2]int{128, 0}, false},
		{"m.out_proj.weight", [2]int{64, 128}, true},
	}
	if len(ps.Params) != len(want) {
		t.Fatalf("%d parameters, want %d", len(ps.Params), len(want))
	}
	for i, w := range want {
		p := ps.Params[i]
		shape := [2]int{p.Shape[0], 0}
		if len(p.Shape) == 2 {
			shape[1] = p.Shape[1]
		}
		if p.Name != w.name || shape != w.shape || p.Decay != w.decay {
			t.Errorf("param %d = %s %v decay=%v, want %s %v decay=%v", i, p.Name, p.Shape, p.Decay, w.name, w.shape, w.decay)
		}
	}
	if got, want := ps.Count(), 3*64*128+4*128+128+128*36+4*128+128+128*16+128; got != want {
		t.Errorf("Count() = %d, want %d", got, want)
	}
}

// TestMambaInit checks the official initialisation: A_log[e, n] = log(n+1),
// D = 1, softplus(dt_proj.bias) ∈ [1e-3, 0.1] and spread over that range.
func TestMambaInit(t *testing.T) {
	ps, _ := newMamba(t, models.Config{Mixer: "mamba", D: 64, Expansion: 2, N: 16})
	get := func(name string) []float64 {
		p, err := ps.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		return p.Data
	}
	for i, v := range get("m.A_log") {
		if want := math.Log(float64(i%16 + 1)); math.Abs(v-want) > 1e-15 {
			t.Fatalf("A_log[%d] = %v, want %v", i, v, want)
		}
	}
	for i, v := range get("m.D") {
		if v != 1 {
			t.Fatalf("D[%d] = %v, want 1", i, v)
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, b := range get("m.dt_proj.bias") {
		dt := tensor.Softplus(b)
		lo, hi = min(lo, dt), max(hi, dt)
	}
	if lo < 1e-3*(1-1e-9) || hi > 0.1*(1+1e-9) || lo > 3e-3 || hi < 0.03 {
		t.Errorf("softplus(dt bias) spans [%g, %g], want log-uniform over [1e-3, 0.1]", lo, hi)
	}
	for _, p := range []string{"m.dt_proj.weight", "m.conv.weight"} {
		bound := 0.5 // 1/√R with R = 4, and 1/√K with K = 4
		for _, v := range get(p) {
			if math.Abs(v) > bound {
				t.Fatalf("%s has %v outside ±%v", p, v, bound)
			}
		}
	}
}

// TestMambaMemory checks the counted bytes: activations
// (8E + 2R + 2N + E·N)·B·T and the state B·E·(K−1+N), in float64.
func TestMambaMemory(t *testing.T) {
	_, m := newMamba(t, models.Config{Mixer: "mamba", D: 20, Expansion: 2, N: 5})
	const B, T, E, N, R = 3, 7, 40, 5, 2
	var a tensor.Arena[float64]
	m.Alloc(&a, B, T)
	if got, want := a.Bytes(tensor.Activation), int64(8*(8*E+2*R+2*N+E*N)*B*T); got != want {
		t.Errorf("activation bytes = %d, want %d", got, want)
	}
	st := m.NewState(B, T)
	if got, want := st.Bytes(), int64(8*B*E*(3+N)); got != want {
		t.Errorf("state bytes = %d, want %d", got, want)
	}
}

// TestMambaFLOPs checks FLOPs per token for D=64, E=128, N=16, R=4, K=4,
// summed by hand: in_proj 32768, conv 1024, SiLU 384, x_proj 9216,
// dt_proj 1024, softplus 128, scan 14336+384, gate 512, out_proj 16384.
func TestMambaFLOPs(t *testing.T) {
	_, m := newMamba(t, models.Config{Mixer: "mamba", D: 64, Expansion: 2, N: 16})
	for _, T := range []int{1, 1024} {
		if got := m.FLOPs(T); got != 76160 {
			t.Errorf("FLOPs(%d) = %d, want 76160", T, got)
		}
	}
}

// TestMambaGradientsLargeDelta holds every gradient to central finite
// differences with Δ ≈ 0.2–2 (softplus(dt bias) far above the official
// [1e-3, 0.1] init), so that exp(ΔA) is far from 1 and the decay's
// gradients (A_log, dt_proj) are large; R = 2 and E = 34 span three scan
// chunks.
func TestMambaGradientsLargeDelta(t *testing.T) {
	const B, T, D = 2, 6, 17
	ps, m := newMamba(t, models.Config{Mixer: "mamba", D: D, Expansion: 2, N: 3})
	rng := rand.New(rand.NewPCG(3, 4))
	for _, name := range []string{"m.dt_proj.bias", "m.A_log", "m.D"} {
		p, _ := ps.Get(name)
		for i := range p.Data {
			p.Data[i] += rng.Float64()
		}
	}
	dtb, _ := ps.Get("m.dt_proj.bias")
	for i := range dtb.Data {
		dtb.Data[i] = math.Log(math.Expm1(0.2 + 1.8*rng.Float64())) // softplus⁻¹
	}
	var a tensor.Arena[float64]
	m.Alloc(&a, B, T)
	x, w := make([]float64, B*T*D), make([]float64, B*T*D)
	tensor.Normal(rng, x, 1)
	tensor.Normal(rng, w, 1)
	y, dx := make([]float64, len(x)), make([]float64, len(x))
	m.Forward(y, x, B, T)
	ps.ZeroGrad()
	m.Backward(dx, w, x, B, T)
	loss := func() float64 {
		m.Forward(y, x, B, T)
		s := 0.0
		for i := range y {
			s += y[i] * w[i]
		}
		return s
	}
	check := func(name string, v, g []float64) {
		const eps = 1e-5
		scale := 1e-3
		for _, gi := range g {
			scale = max(scale, math.Abs(gi))
		}
		for i := range v {
			old := v[i]
			v[i] = old + eps
			lp := loss()
			v[i] = old - eps
			lm := loss()
			v[i] = old
			if fd := (lp - lm) / (2 * eps); math.Abs(fd-g[i]) > 1e-6*scale {
				t.Errorf("d/d %s[%d] = %.10g, finite difference %.10g", name, i, g[i], fd)
				return
			}
		}
	}
	for _, p := range ps.Params {
		check(p.Name, p.Data, p.Grad)
	}
	check("x", x, dx)
}

// TestMambaAllocs requires that a float32 Forward+Backward+Step at
// GOMAXPROCS 1 allocates no buffer: the count and bytes of heap allocations
// (only the closures handed to tensor.For) must not grow with B·T, and stay
// under 4 KiB. B·T stays under 256 rows: above that gonum's Gemm goes
// parallel and allocates itself.
func TestMambaAllocs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const D = 8
	_, m := initMixer[float32](t, "m", models.Config{Mixer: "mamba", D: D, Expansion: 2, N: 4}, 1, 2)
	measure := func(B, T int) (count, bytes uint64) {
		var a tensor.Arena[float32]
		m.Alloc(&a, B, T)
		x, y, dx := make([]float32, B*T*D), make([]float32, B*T*D), make([]float32, B*T*D)
		st := m.NewState(B, T)
		run := func() {
			m.Forward(y, x, B, T)
			m.Backward(dx, y, x, B, T)
			m.Step(st, y[:B*D], x[:B*D])
		}
		run()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		run()
		runtime.ReadMemStats(&m1)
		return m1.Mallocs - m0.Mallocs, m1.TotalAlloc - m0.TotalAlloc
	}
	c1, b1 := measure(2, 16)
	c2, b2 := measure(3, 40)
	t.Logf("allocations per Forward+Backward+Step: %d (%d B) at B·T=32, %d (%d B) at B·T=120", c1, b1, c2, b2)
	if c1 != c2 || b2 > b1 || b2 > 4096 {
		t.Errorf("allocations grow with B·T or exceed 4 KiB: %d (%d B) at B·T=32, %d (%d B) at B·T=120", c1, b1, c2, b2)
	}
}

// BenchmarkMambaTrainStep times one float32 Forward+Backward of a
// D=64, E=128, N=16 mixer over B=16 sequences of T=256 tokens.
func BenchmarkMambaTrainStep(b *testing.B) {
	const B, T, D = 16, 256, 64
	_, m := initMixer[float32](b, "m", models.Config{Mixer: "mamba", D: D, Expansion: 2, N: 16}, 1, 2)
	allocMixer(m, B, T)
	x, y, dx := make([]float32, B*T*D), make([]float32, B*T*D), make([]float32, B*T*D)
	tensor.Normal(rand.New(rand.NewPCG(3, 4)), x, 1)
	b.ReportAllocs()
	for b.Loop() {
		m.Forward(y, x, B, T)
		m.Backward(dx, y, x, B, T)
	}
	b.ReportMetric(float64(3*m.FLOPs(T)*B*T)/1e9*float64(b.N)/b.Elapsed().Seconds(), "GFLOP/s")
}
