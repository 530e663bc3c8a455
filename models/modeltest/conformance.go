package modeltest

import (
	"runtime"
	"testing"

	"rnnbench/internal/tensor"
	"rnnbench/models"
)

// Sizes of the conformance checks: small enough for finite differences
// over every parameter, large enough to exercise batch and time.
const (
	gradB, gradT = 2, 5
	detB, detT   = 4, 48 // float32 determinism: big enough to split work
)

// Conformance runs the whole suite for c (V and L are ignored: it tests the
// mixer alone) and every training mode of c.Mixer. c.D should be small
// (4–8): the gradient check perturbs every parameter.
func Conformance(t *testing.T, c models.Config) {
	for _, mode := range modes(c) {
		cm := c
		cm.Mode = mode
		t.Run("mode="+mode, func(t *testing.T) {
			t.Run("shapes", func(t *testing.T) { checkShapes(t, cm) })
			t.Run("causality", func(t *testing.T) { checkCausality(t, cm) })
			t.Run("gradients", func(t *testing.T) { checkGradients(t, cm) })
			t.Run("step", func(t *testing.T) { checkStep(t, cm) })
			t.Run("determinism", func(t *testing.T) { checkDeterminism(t, cm) })
			if mode != modes(c)[0] {
				t.Run("mode-equals-first", func(t *testing.T) { checkModeEquals(t, c, cm) })
			}
		})
	}
}

func checkShapes(t *testing.T, c models.Config) {
	b := build[float64](t, c, 1, gradB, gradT)
	x := randSlice[float64](gradB*gradT*c.D, 2)
	y := b.forward(x, gradB, gradT)
	if err := closeTo("finite", y, y, 0); err != nil {
		t.Fatal(err)
	}
	nonzero := false
	for _, v := range y {
		nonzero = nonzero || v != 0
	}
	if !nonzero {
		t.Fatal("Forward wrote only zeros")
	}
	if b.m.FLOPs(gradT) <= 0 {
		t.Errorf("FLOPs(%d) = %d, want > 0", gradT, b.m.FLOPs(gradT))
	}
	// A shorter forward than Alloc's gives the prefix of sequence 0.
	T2 := gradT - 2
	x2 := make([]float64, T2*c.D)
	copy(x2, x[:T2*c.D])
	y2 := b.forward(x2, 1, T2)
	if err := closeTo("short forward", y2, y[:T2*c.D], 1e-12); err != nil {
		t.Fatal(err)
	}
}

func checkCausality(t *testing.T, c models.Config) {
	const t0 = 2
	b := build[float64](t, c, 1, gradB, gradT)
	x := randSlice[float64](gradB*gradT*c.D, 3)
	y := b.forward(x, gradB, gradT)
	x2 := append([]float64(nil), x...)
	for bi := 0; bi < gradB; bi++ {
		for d := 0; d < c.D; d++ {
			x2[(bi*gradT+t0)*c.D+d] += 0.5
		}
	}
	y2 := b.forward(x2, gradB, gradT)
	for bi := 0; bi < gradB; bi++ {
		row := func(y []float64, tt int) []float64 { return y[(bi*gradT+tt)*c.D : (bi*gradT+tt+1)*c.D] }
		for tt := 0; tt < t0; tt++ {
			if err := sameBits("output before the change", row(y2, tt), row(y, tt)); err != nil {
				t.Fatalf("batch %d, t=%d: %v", bi, tt, err)
			}
		}
		if sameBits("", row(y2, t0), row(y, t0)) == nil {
			t.Fatalf("batch %d: output at t=%d did not change when x at t=%d did", bi, t0, t0)
		}
	}
}

func checkGradients(t *testing.T, c models.Config) {
	b := build[float64](t, c, 1, gradB, gradT)
	n := gradB * gradT * c.D
	x := randSlice[float64](n, 4)
	w := randSlice[float64](n, 5) // loss = Σ y⊙w, so dy = w
	_, dx, g := b.grads(x, w)
	loss := func() float64 {
		y := b.forward(x, gradB, gradT)
		s := 0.0
		for i := range y {
			s += y[i] * w[i]
		}
		return s
	}
	const eps, tol = 1e-4, 1e-6
	fd := func(v *float64) float64 {
		old := *v
		*v = old + eps
		lp := loss()
		*v = old - eps
		lm := loss()
		*v = old
		return (lp - lm) / (2 * eps)
	}
	for _, p := range b.ps.Params {
		num := make([]float64, p.Size())
		for i := range p.Data {
			num[i] = fd(&p.Data[i])
		}
		ana := g[paramOffset(b, p.Name) : paramOffset(b, p.Name)+p.Size()]
		if err := closeTo("d/d "+p.Name, ana, num, tol); err != nil {
			t.Error(err)
		}
	}
	num := make([]float64, n)
	for i := range x {
		num[i] = fd(&x[i])
	}
	if err := closeTo("d/dx", dx, num, tol); err != nil {
		t.Error(err)
	}
	// Backward accumulates: starting from dx = 1 and the same parameter
	// gradients gives 1 + dx and 2·g.
	b.forward(x, gradB, gradT)
	dx2 := make([]float64, n)
	for i := range dx2 {
		dx2[i] = 1
	}
	b.m.Backward(dx2, w, x, gradB, gradT)
	for i := range dx2 {
		dx2[i] -= 1
	}
	if err := closeTo("dx accumulates (+=)", dx2, dx, 1e-12); err != nil {
		t.Error(err)
	}
	g2 := make([]float64, len(g))
	for i := range g {
		g2[i] = 2 * g[i]
	}
	if err := closeTo("parameter gradients accumulate (+=)", b.ps.Grad, g2, 1e-12); err != nil {
		t.Error(err)
	}
}

// paramOffset returns where the named parameter starts in the slab.
func paramOffset[F tensor.Float](b *built[F], name string) int {
	off := 0
	for _, p := range b.ps.Params {
		if p.Name == name {
			return off
		}
		off += p.Size()
	}
	panic("modeltest: no parameter " + name)
}

func checkStep(t *testing.T, c models.Config) {
	b := build[float64](t, c, 1, gradB, gradT)
	x := randSlice[float64](gradB*gradT*c.D, 6)
	y := b.forward(x, gradB, gradT)
	st := b.m.NewState(gradB, gradT)
	D := c.D
	xs, ys := make([]float64, gradB*D), make([]float64, gradB*D)
	for pass := 0; pass < 2; pass++ {
		for tt := 0; tt < gradT; tt++ {
			for bi := 0; bi < gradB; bi++ {
				copy(xs[bi*D:(bi+1)*D], x[(bi*gradT+tt)*D:])
			}
			b.m.Step(st, ys, xs)
			for bi := 0; bi < gradB; bi++ {
				if err := closeTo("Step vs Forward", ys[bi*D:(bi+1)*D], y[(bi*gradT+tt)*D:(bi*gradT+tt+1)*D], 1e-10); err != nil {
					t.Fatalf("pass %d, batch %d, t=%d: %v", pass, bi, tt, err)
				}
			}
		}
		if st.Bytes() <= 0 {
			t.Fatalf("State.Bytes() = %d after %d steps, want > 0", st.Bytes(), gradT)
		}
		st.Reset()
	}
}

func checkDeterminism(t *testing.T, c models.Config) {
	run := func(procs int) (y, dx, g []float32) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		cc := c
		cc.D = 2 * c.D
		b := build[float32](t, cc, 9, detB, detT)
		n := detB * detT * cc.D
		return b.grads(randSlice[float32](n, 10), randSlice[float32](n, 11))
	}
	y1, dx1, g1 := run(1)
	y2, dx2, g2 := run(2)
	y3, dx3, g3 := run(2)
	for _, e := range []error{
		sameBits("y, GOMAXPROCS 1 vs 2", y2, y1), sameBits("dx, GOMAXPROCS 1 vs 2", dx2, dx1), sameBits("grads, GOMAXPROCS 1 vs 2", g2, g1),
		sameBits("y, run to run", y3, y2), sameBits("dx, run to run", dx3, dx2), sameBits("grads, run to run", g3, g2),
	} {
		if e != nil {
			t.Error(e)
		}
	}
}

func checkModeEquals(t *testing.T, first, other models.Config) {
	first.Mode = modes(first)[0]
	n := gradB * gradT * first.D
	x, w := randSlice[float64](n, 12), randSlice[float64](n, 13)
	y1, dx1, g1 := build[float64](t, first, 1, gradB, gradT).grads(x, w)
	y2, dx2, g2 := build[float64](t, other, 1, gradB, gradT).grads(x, w)
	for _, e := range []error{
		closeTo("y: "+other.Mode+" vs "+first.Mode, y2, y1, 1e-10),
		closeTo("dx: "+other.Mode+" vs "+first.Mode, dx2, dx1, 1e-10),
		closeTo("grads: "+other.Mode+" vs "+first.Mode, g2, g1, 1e-10),
	} {
		if e != nil {
			t.Error(e)
		}
	}
}
