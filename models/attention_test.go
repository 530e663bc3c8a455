package models_test

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"runtime"
	"testing"

	"rnnbench/internal/tensor"
	"rnnbench/models"
	"rnnbench/models/modeltest"
)

var attnConfig = models.Config{Mixer: "transformer", D: 8, H: 2, Expansion: 1, V: 7, L: 1}

func TestAttentionConformance(t *testing.T) {
	modeltest.Conformance(t, attnConfig)
	c := attnConfig
	c.D, c.H = 12, 3 // three heads of width 4
	t.Run("H=3", func(t *testing.T) { modeltest.Conformance(t, c) })
}

func TestAttentionTorchFixture(t *testing.T) {
	modeltest.CheckTorchFixture(t, "../testdata/torch/transformer.json")
}

func param(t *testing.T, ps *tensor.ParamSet[float64], name string) []float64 {
	t.Helper()
	p, err := ps.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return p.Data
}

// slowAttention is the obviously-correct reference: loops over every index,
// RoPE written as complex multiplication (RoFormer eq. 12–13: the pair
// (x[2i], x[2i+1]) is the complex number x[2i] + i·x[2i+1], multiplied by
// e^{i·t·θ_i}). x: [B, T, D], wqkv: [3D, D], wproj: [D, D] → y: [B, T, D].
func slowAttention(x, wqkv, wproj []float64, B, T, D, H int) []float64 {
	Dh := D / H
	lin := func(w, v []float64, out int) []float64 {
		r := make([]float64, out)
		for o := range r {
			for i := 0; i < D; i++ {
				r[o] += w[o*D+i] * v[i]
			}
		}
		return r
	}
	rot := func(v []float64, t int) {
		for i := 0; i < Dh/2; i++ {
			theta := math.Pow(10000, -2*float64(i)/float64(Dh))
			z := complex(v[2*i], v[2*i+1]) * cmplx.Exp(complex(0, float64(t)*theta))
			v[2*i], v[2*i+1] = real(z), imag(z)
		}
	}
	y := make([]float64, B*T*D)
	for b := 0; b < B; b++ {
		qkv := make([][]float64, T)
		for t := 0; t < T; t++ {
			qkv[t] = lin(wqkv, x[(b*T+t)*D:(b*T+t+1)*D], 3*D)
			for h := 0; h < H; h++ {
				rot(qkv[t][h*Dh:(h+1)*Dh], t)
				rot(qkv[t][D+h*Dh:D+(h+1)*Dh], t)
			}
		}
		for t := 0; t < T; t++ {
			o := make([]float64, D)
			for h := 0; h < H; h++ {
				s := make([]float64, t+1)
				mx, sum := math.Inf(-1), 0.0
				for j := 0; j <= t; j++ {
					for d := 0; d < Dh; d++ {
						s[j] += qkv[t][h*Dh+d] * qkv[j][D+h*Dh+d]
					}
					s[j] /= math.Sqrt(float64(Dh))
					mx = math.Max(mx, s[j])
				}
				for j := range s {
					s[j] = math.Exp(s[j] - mx)
					sum += s[j]
				}
				for j := range s {
					for d := 0; d < Dh; d++ {
						o[h*Dh+d] += s[j] / sum * qkv[j][2*D+h*Dh+d]
					}
				}
			}
			copy(y[(b*T+t)*D:], lin(wproj, o, D))
		}
	}
	return y
}

func TestAttentionMatchesSlowReference(t *testing.T) {
	c := models.Config{Mixer: "transformer", D: 16, H: 4, Expansion: 1, V: 7, L: 1}
	const B, T = 3, 9
	m, ps, _ := buildMixer(t, c, B, T, 5, 6)
	x := make([]float64, B*T*c.D)
	tensor.Normal(rand.New(rand.NewPCG(7, 8)), x, 1)
	// Sharpen the attention so the softmax is far from uniform.
	for i := range param(t, ps, "mixer.qkv.weight") {
		param(t, ps, "mixer.qkv.weight")[i] *= 3
	}
	y := make([]float64, len(x))
	m.Forward(y, x, B, T)
	want := slowAttention(x, param(t, ps, "mixer.qkv.weight"), param(t, ps, "mixer.proj.weight"), B, T, c.D, c.H)
	for i := range want {
		if math.Abs(y[i]-want[i]) > 1e-12 {
			t.Fatalf("y[%d] = %.15g, slow reference %.15g", i, y[i], want[i])
		}
	}
}

// TestAttentionSingleToken: with T = 1 the softmax is 1 and RoPE at
// position 0 is the identity, so y = W_proj·(W_v·x), W_v rows 2D..3D of
// W_qkv. Checked on hand-set weights: W_v = 2·I, W_proj = shift by one.
func TestAttentionSingleToken(t *testing.T) {
	m, ps, _ := buildMixer(t, attnConfig, 1, 1, 5, 6)
	D := attnConfig.D
	wqkv, wproj := param(t, ps, "mixer.qkv.weight"), param(t, ps, "mixer.proj.weight")
	for i := 0; i < D; i++ {
		for j := 0; j < D; j++ {
			wqkv[(2*D+i)*D+j] = 0
			wproj[i*D+j] = 0
		}
		wqkv[(2*D+i)*D+i] = 2
		wproj[i*D+(i+1)%D] = 1 // y[i] = o[i+1]
	}
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	y := make([]float64, D)
	m.Forward(y, x, 1, 1)
	want := []float64{4, 6, 8, 10, 12, 14, 16, 2}
	for i := range want {
		if math.Abs(y[i]-want[i]) > 1e-12 {
			t.Fatalf("y = %v, want %v", y, want)
		}
	}
}

func TestAttentionMemoryAndFLOPs(t *testing.T) {
	const B, T = 2, 5
	m, _, a := buildMixer(t, attnConfig, B, T, 5, 6)
	D, H := attnConfig.D, attnConfig.H
	// qkv [B,T,3D] + P [B,H,T,T] + o [B,T,D], float64.
	if got, want := a.Bytes(tensor.Activation), int64(8*(3*B*T*D+B*H*T*T+B*T*D)); got != want {
		t.Errorf("activation bytes = %d, want %d", got, want)
	}
	// 8·D² + 2·D·(T+1) = 512 + 96.
	if got := m.FLOPs(T); got != 608 {
		t.Errorf("FLOPs(5) = %d, want 608", got)
	}
	s := m.NewState(B, T)
	x, y := make([]float64, B*D), make([]float64, B*D)
	for i := 0; i < 3; i++ {
		m.Step(s, y, x)
	}
	if got, want := s.Bytes(), int64(2*B*3*D*8); got != want {
		t.Errorf("State.Bytes() after 3 steps = %d, want %d", got, want)
	}
	s.Reset()
	if s.Bytes() != 0 {
		t.Errorf("State.Bytes() after Reset = %d, want 0", s.Bytes())
	}
	for i := 0; i < T; i++ {
		m.Step(s, y, x)
	}
	defer func() {
		if recover() == nil {
			t.Error("Step past maxT did not panic")
		}
	}()
	m.Step(s, y, x)
}

func TestAttentionConfigErrors(t *testing.T) {
	for _, c := range []models.Config{
		{Mixer: "transformer", D: 8, Expansion: 1, H: 3},  // 3 does not divide 8
		{Mixer: "transformer", D: 12, Expansion: 1, H: 4}, // head width 3 is odd
		{Mixer: "transformer", D: 8, Expansion: 1, H: 0},
	} {
		if _, err := models.NewMixer(&tensor.ParamSet[float64]{}, "mixer", c); err == nil {
			t.Errorf("NewMixer(D=%d, H=%d) gave no error", c.D, c.H)
		}
	}
}

// TestAttentionNoAllocs: Forward, Backward and Step allocate nothing on
// one thread (tensor.For itself starts goroutines when GOMAXPROCS > 1).
func TestAttentionNoAllocs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const B, T = 2, 16
	m, _, _ := buildMixer(t, attnConfig, B, T, 5, 6)
	mixerNoAllocs(t, m, attnConfig.D, B, T)
}
