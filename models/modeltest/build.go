package modeltest

import (
	"math/rand/v2"
	"testing"

	"rnnbench/internal/tensor"
	"rnnbench/models"
)

// built is a mixer with its parameters and buffers, ready to run.
type built[F tensor.Float] struct {
	c  models.Config
	ps *tensor.ParamSet[F]
	m  models.Mixer[F]
	B  int
	T  int
}

// build makes, initialises (seeded) and allocates a mixer for B×T.
func build[F tensor.Float](t testing.TB, c models.Config, seed uint64, B, T int) *built[F] {
	t.Helper()
	ps := &tensor.ParamSet[F]{}
	m, err := models.NewMixer(ps, "mixer", c)
	if err != nil {
		t.Fatalf("NewMixer(%+v): %v", c, err)
	}
	ps.Finalize()
	m.Init(rand.New(rand.NewPCG(seed, 0x5eed)))
	var a tensor.Arena[F]
	m.Alloc(&a, B, T)
	return &built[F]{c: c, ps: ps, m: m, B: B, T: T}
}

// randSlice returns n values drawn from N(0, 1) with the given seed.
func randSlice[F tensor.Float](n int, seed uint64) []F {
	x := make([]F, n)
	tensor.Normal(rand.New(rand.NewPCG(seed, 7)), x, 1)
	return x
}

// forward runs Forward on a fresh output and returns y: [B, T, D].
func (b *built[F]) forward(x []F, B, T int) []F {
	y := make([]F, B*T*b.c.D)
	b.m.Forward(y, x, B, T)
	return y
}

// grads runs Forward then Backward with upstream dy and returns dx and a
// copy of every parameter gradient (zeroed before).
func (b *built[F]) grads(x, dy []F) (y, dx, g []F) {
	b.ps.ZeroGrad()
	y = b.forward(x, b.B, b.T)
	dx = make([]F, len(x))
	b.m.Backward(dx, dy, x, b.B, b.T)
	return y, dx, append([]F(nil), b.ps.Grad...)
}

// modes returns the mixer's modes with c.Mode first (or the single mode "").
func modes(c models.Config) []string {
	ms := models.Modes[c.Mixer]
	if len(ms) == 0 {
		return []string{c.Mode}
	}
	out := []string{ms[0]}
	return append(out, ms[1:]...)
}
