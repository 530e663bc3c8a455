package models

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"

	"rnnbench/internal/tensor"
)

// The float32 assembly kernels (minrnn_amd64.s, s6_amd64.s) against the
// float64 reference functions they replace: every gate kernel at random
// and extreme pre-activations, every scan width 1..16 with strided rows,
// and whole mixers with the assembly on and off. (Without AVX2 these tests
// check the portable float32 path against float64 instead.)

// gateInputs returns n pre-activations: normal ones, and every 7th from
// the extremes the log-space forms must survive (±1e4, ±100, ±20, ±0).
func gateInputs(n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 3))
	extremes := []float32{1e4, -1e4, 100, -100, 20, -20, 0, float32(math.Copysign(0, -1)), 1e-30, -3}
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(3 * rng.NormFloat64())
		if i%7 == 3 {
			x[i] = extremes[rng.IntN(len(extremes))]
		}
	}
	return x
}

// gateCheck compares got (float32) with want (float64): within tol of
// max(|want|, 1) — relative for large values, absolute near 0.
func gateCheck(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	for i := range want {
		g := float64(got[i])
		if math.IsNaN(g) || math.IsInf(g, 0) {
			t.Fatalf("%s[%d] = %v, want %v", what, i, g, want[i])
		}
		if d := math.Abs(g - want[i]); d > tol*math.Max(1, math.Abs(want[i])) {
			t.Fatalf("%s[%d] = %.9g, want %.9g", what, i, g, want[i])
		}
	}
}

// forBothPaths runs f with the assembly kernels (when the CPU has them)
// and with the portable Go code.
func forBothPaths(t *testing.T, f func(t *testing.T)) {
	for _, asm := range []bool{true, false} {
		if asm && !haveAVX2 {
			continue
		}
		t.Run(map[bool]string{true: "asm", false: "portable"}[asm], func(t *testing.T) {
			saved := haveAVX2
			haveAVX2 = asm
			defer func() { haveAVX2 = saved }()
			f(t)
		})
	}
}

func TestGateKernelsMatchFloat64(t *testing.T) { forBothPaths(t, testGateKernels) }

func testGateKernels(t *testing.T) {
	const n = 203 // a masked tail
	kz, kh, ki := gateInputs(n, 1), gateInputs(n, 2), gateInputs(n, 3)
	da, db := gateInputs(n, 4), gateInputs(n, 5)
	for i := range da { // gradients of moderate size
		da[i], db[i] = float32(math.Tanh(float64(da[i]))), float32(math.Tanh(float64(db[i])))
	}
	f64 := func(x float32) float64 { return float64(x) }
	for _, lstm := range []bool{false, true} {
		for _, log := range []bool{true, false} {
			var cell minCell[float32] = mingruCell[float32]{n}
			if lstm {
				cell = minlstmCell[float32](n)
			}
			m := &minRNN[float32]{form: cell.linForm(), E: n, G: cell.gates()}
			if log {
				m.form = cell.logForm()
			}
			k := append(append([]float32(nil), kz...), kh...)
			if lstm {
				k = append(append(append([]float32(nil), kz...), ki...), kh...)
			}
			m.k, m.ga, m.gb = k, make([]float32, n), make([]float32, n)
			m.dk, m.dga, m.dgb = make([]float32, m.G*n), da, db
			wantA, wantB := make([]float64, n), make([]float64, n)
			wantD := make([][]float64, m.G)
			for g := range wantD {
				wantD[g] = make([]float64, n)
			}
			for e := 0; e < n; e++ {
				z, h := f64(k[e]), f64(k[(m.G-1)*n+e])
				switch {
				case lstm && log:
					wantA[e], wantB[e] = minLSTMLogGates[float64](z, f64(k[n+e]), h)
					wantD[0][e], wantD[1][e], wantD[2][e] = minLSTMLogGatesBackward[float64](z, f64(k[n+e]), h, f64(da[e]), f64(db[e]))
				case lstm:
					wantA[e], wantB[e] = minLSTMLinGates[float64](z, f64(k[n+e]), h)
					wantD[0][e], wantD[1][e], wantD[2][e] = minLSTMLinGatesBackward[float64](z, f64(k[n+e]), h, f64(da[e]), f64(db[e]))
				case log:
					wantA[e], wantB[e] = minGRULogGates[float64](z, h)
					wantD[0][e], wantD[1][e] = minGRULogGatesBackward[float64](z, h, f64(da[e]), f64(db[e]))
				default:
					wantA[e], wantB[e] = minGRULinGates[float64](z, h)
					wantD[0][e], wantD[1][e] = minGRULinGatesBackward[float64](z, h, f64(da[e]), f64(db[e]))
				}
			}
			gateRows[float32]{m: m}.Run(0, 1)
			gateBackRows[float32]{m: m}.Run(0, 1)
			name := map[bool]string{false: "mingru", true: "minlstm"}[lstm] + map[bool]string{false: " linear", true: " log"}[log]
			gateCheck(t, name+" a", m.ga, wantA, 2e-6)
			gateCheck(t, name+" b", m.gb, wantB, 2e-6)
			for g := range wantD {
				gateCheck(t, name+" dk", m.dk[g*n:(g+1)*n], wantD[g], 2e-6)
			}
		}
	}
}

// scanRef runs the float64 scans on float32-rounded inputs.
func scanRef(loga, logb, dh []float32, T, E, C int) (logh, h, dla, dlb []float64) {
	n := len(loga)
	la, lb, d := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range la {
		la[i], lb[i], d[i] = float64(loga[i]), float64(logb[i]), float64(dh[i])
	}
	logh, h, dla, dlb = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	logScanRange(logh, h, la, lb, T, E, 0, C)
	logScanBackwardRange(dla, dlb, d, la, lb, logh, h, T, E, 0, C)
	return
}

func TestLogScanKernelMatchesFloat64(t *testing.T) { forBothPaths(t, testLogScanKernel) }

func testLogScanKernel(t *testing.T) {
	for _, E := range []int{1, 5, 8, 13, 16, 24} { // every tile width, masked and full
		const B, T = 2, 29
		n := B * T * E
		rng := rand.New(rand.NewPCG(uint64(E), 9))
		loga, logb, dh := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range loga {
			loga[i] = float32(-3 * rng.Float64())
			logb[i] = float32(4*rng.Float64() - 3)
			dh[i] = float32(rng.NormFloat64())
		}
		logh, h, dla, dlb := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range dla { // the kernels overwrite, dlog a_0 included
			dla[i], dlb[i] = 7, -7
		}
		logScanRange(logh, h, loga, logb, T, E, 0, B*E)
		logScanBackwardRange(dla, dlb, dh, loga, logb, logh, h, T, E, 0, B*E)
		rlogh, rh, rdla, rdlb := scanRef(loga, logb, dh, T, E, B*E)
		gateCheck(t, "log h", logh, rlogh, 1e-5)
		gateCheck(t, "h", h, rh, 1e-5)
		gateCheck(t, "dlog a", dla, rdla, 1e-5)
		gateCheck(t, "dlog b", dlb, rdlb, 1e-5)
	}
}

func TestLinearScanKernelMatchesFloat64(t *testing.T) { forBothPaths(t, testLinearScanKernel) }

func testLinearScanKernel(t *testing.T) {
	for _, E := range []int{1, 5, 8, 13, 16, 24} {
		const B, T = 2, 29
		n := B * T * E
		rng := rand.New(rand.NewPCG(uint64(E), 10))
		a, b, dh := make([]float32, n), make([]float32, n), make([]float32, n)
		a64, b64, dh64 := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range a {
			a[i], b[i], dh[i] = float32(rng.Float64()), float32(rng.NormFloat64()), float32(rng.NormFloat64())
			a64[i], b64[i], dh64[i] = float64(a[i]), float64(b[i]), float64(dh[i])
		}
		h, da, db := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range da { // the kernels overwrite, da_0 included
			da[i], db[i] = 1, -1
		}
		linearScanRange(h, a, b, T, E, 0, B*E)
		linearScanBackwardRange(da, db, dh, a, h, T, E, 0, B*E)
		h64, da64, db64 := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range da64 {
			da64[i], db64[i] = 1, -1
		}
		linearScanRange(h64, a64, b64, T, E, 0, B*E)
		linearScanBackwardRange(da64, db64, dh64, a64, h64, T, E, 0, B*E)
		gateCheck(t, "h", h, h64, 1e-5)
		gateCheck(t, "da", da, da64, 1e-5)
		gateCheck(t, "db", db, db64, 1e-5)
	}
}

// The float32 mixers give the same results with the assembly kernels and
// with the portable Go code, to float32 rounding, for every minRNN mode
// and Mamba.
func TestMixersAsmMatchesPortable(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2: only the portable kernels run here")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	cfgs := []Config{{Mixer: "mamba", D: 12, Expansion: 2, N: 5}}
	for _, mixer := range []string{"mingru", "minlstm"} {
		for _, mode := range []string{"parallel", "sequential", "linear", "chunked"} {
			cfgs = append(cfgs, Config{Mixer: mixer, Mode: mode, D: 12, Expansion: 2})
		}
	}
	for _, c := range cfgs {
		run := func(asm bool) (y, dx, g []float32) {
			saved := haveAVX2
			haveAVX2 = asm
			defer func() { haveAVX2 = saved }()
			return seededStep[float32](t, c, 3, 37)
		}
		y1, dx1, g1 := run(true)
		y0, dx0, g0 := run(false)
		for _, p := range []struct {
			what      string
			got, want []float32
		}{{"y", y1, y0}, {"dx", dx1, dx0}, {"grads", g1, g0}} {
			scale := 1e-30
			for _, v := range p.want {
				scale = math.Max(scale, math.Abs(float64(v)))
			}
			for i := range p.want {
				if d := math.Abs(float64(p.got[i] - p.want[i])); d > 1e-4*scale {
					t.Fatalf("%s/%s %s[%d]: asm %v, portable %v (scale %g)", c.Mixer, c.Mode, p.what, i, p.got[i], p.want[i], scale)
				}
			}
		}
	}
}

// models keeps a copy of internal/tensor's AVX2 macro header (Go
// assembly cannot include across packages); the two must not drift.
func TestVmathHeaderIsTensors(t *testing.T) {
	mine, err := os.ReadFile("vmath_amd64.h")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := os.ReadFile("../internal/tensor/vmath_amd64.h")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mine, theirs) {
		t.Fatal("models/vmath_amd64.h differs from internal/tensor/vmath_amd64.h: copy the tensor one over")
	}
}

// Causal attention in blocks of attnBlock rows equals the unblocked
// computation (one block) at a length spanning several blocks.
func TestAttentionBlocksEqualOneBlock(t *testing.T) {
	c := Config{Mixer: "transformer", D: 8, Expansion: 1, H: 2}
	const B, T = 2, 300
	run := func(block int) (y, dx, g []float64) {
		saved, savedMin := attnBlock, attnBlockMinT
		attnBlock, attnBlockMinT = block, 0
		defer func() { attnBlock, attnBlockMinT = saved, savedMin }()
		return seededStep[float64](t, c, B, T)
	}
	y1, dx1, g1 := run(1 << 30)
	y2, dx2, g2 := run(attnBlock)
	for _, p := range []struct {
		what      string
		got, want []float64
	}{{"y", y2, y1}, {"dx", dx2, dx1}, {"grads", g2, g1}} {
		for i := range p.want {
			if d := math.Abs(p.got[i] - p.want[i]); d > 1e-12*(1+math.Abs(p.want[i])) {
				t.Fatalf("%s[%d]: blocks %v, one block %v", p.what, i, p.got[i], p.want[i])
			}
		}
	}
}

// At the extreme log gates of ±1e4 pre-activations (log a ∈ {−1e4, 0},
// log b down to −2e4, a* ≈ −1e4·T) the float32 log-space scan stays finite
// forward and backward, with either kernel. (Its accuracy there is that of
// the paper's form in float32: a* is stored rounded to float32, ulp(4e5) ≈
// 0.03, see logScanRange.)
func TestLogScanFloat32ExtremeFinite(t *testing.T) { forBothPaths(t, testLogScanExtreme) }

func testLogScanExtreme(t *testing.T) {
	const B, T, E = 1, 40, 11
	rng := rand.New(rand.NewPCG(5, 6))
	n := B * T * E
	loga, logb, dh := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range loga {
		loga[i] = []float32{-1e4, 0, -0.5}[rng.IntN(3)]
		logb[i] = []float32{-2e4, -1e4, float32(math.Log(1e4 + 0.5)), 0.3}[rng.IntN(4)]
		dh[i] = float32(rng.NormFloat64())
	}
	logh, h, dla, dlb := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	logScanRange(logh, h, loga, logb, T, E, 0, B*E)
	logScanBackwardRange(dla, dlb, dh, loga, logb, logh, h, T, E, 0, B*E)
	for name, v := range map[string][]float32{"log h": logh, "h": h, "dlog a": dla, "dlog b": dlb} {
		if !tensor.IsFinite(v) {
			t.Fatalf("%s not finite", name)
		}
	}
}

// seededStep builds the mixer of c (parameters from PCG(1, 1)) and runs
// one Forward and Backward over B×T with x from PCG(2, 2) and dy from
// PCG(3, 3), returning y, dx and the parameter gradients.
func seededStep[F tensor.Float](t *testing.T, c Config, B, T int) (y, dx, grads []F) {
	ps := &tensor.ParamSet[F]{}
	m, err := NewMixer(ps, "m", c)
	if err != nil {
		t.Fatal(err)
	}
	ps.Finalize()
	m.Init(rand.New(rand.NewPCG(1, 1)))
	var a tensor.Arena[F]
	m.Alloc(&a, B, T)
	n := B * T * c.D
	x, dy := make([]F, n), make([]F, n)
	tensor.Normal(rand.New(rand.NewPCG(2, 2)), x, 1)
	tensor.Normal(rand.New(rand.NewPCG(3, 3)), dy, 1)
	y, dx = make([]F, n), make([]F, n)
	m.Forward(y, x, B, T)
	m.Backward(dx, dy, x, B, T)
	return y, dx, ps.Grad
}
