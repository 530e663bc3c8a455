package tensor

import (
	"math"
	"testing"
)

// ulpErr returns |got − exact| in units of the float32 spacing at exact
// (the subnormal spacing 2^−149 below 2^−126). Equal infinities and two
// NaNs count as 0; a result of the wrong class (NaN, or Inf where the
// exact value rounds to a finite float32) counts as +Inf.
func ulpErr(got float32, exact float64) float64 {
	g := float64(got)
	switch {
	case math.IsNaN(exact) || math.IsNaN(g):
		if math.IsNaN(exact) && math.IsNaN(g) {
			return 0
		}
		return math.Inf(1)
	case math.IsInf(g, 0):
		// Right when the exact value rounds to it (beyond MaxFloat32 + ½ulp;
		// from MaxFloat32 on either neighbour is within ½ulp).
		if math.Abs(exact) >= math.MaxFloat32 && (g > 0) == (exact > 0) {
			return 0
		}
		return math.Inf(1)
	case math.IsInf(exact, 0):
		return math.Inf(1)
	}
	a := math.Abs(exact)
	ulp := math.Ldexp(1, -149)
	if a >= 0x1p-126 {
		_, e := math.Frexp(a) // a = f·2^e, f ∈ [½, 1)
		ulp = math.Ldexp(1, e-24)
	}
	return math.Abs(g-exact) / ulp
}

// fastCase is one float32 scalar function with its float64 reference.
type fastCase struct {
	name  string
	fast  func(float32) float32
	exact func(float64) float64
}

func softplusRef(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

func sigmoidRef(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

var fastCases = []fastCase{
	{"Exp", Exp[float32], math.Exp},
	{"Log", Log[float32], math.Log},
	{"Log1p", Log1p[float32], math.Log1p},
	{"Softplus", Softplus[float32], softplusRef},
	{"Sigmoid", Sigmoid[float32], sigmoidRef},
	{"LogSigmoid", logSigmoid32, func(x float64) float64 { return -softplusRef(-x) }},
	{"Tanh", Tanh[float32], math.Tanh},
}

// logSigmoid32 is ln σ(x) = −softplus(−x), as the portable LogSigmoidVec32
// computes it.
func logSigmoid32(x float32) float32 { return -Softplus(-x) }

// The documented bound of every kernel: 0.51 ulp of the exact result.
const fastMaxULP = 0.51

// sweep returns every float32 whose bit pattern is a multiple of stride,
// both signs, plus the special values and a dense grid of small ones.
func sweep(stride uint32) []float32 {
	var xs []float32
	for b := uint64(0); b < 1<<31; b += uint64(stride) {
		f := math.Float32frombits(uint32(b))
		xs = append(xs, f, -f)
	}
	inf := float32(math.Inf(1))
	xs = append(xs, 0, float32(math.Copysign(0, -1)), inf, -inf, float32(math.NaN()),
		math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
		0x1p-126, -0x1p-126, 1, -1, 88.72283, 88.72284, -87.33654, -103.97208, -103.97209)
	for i := -4000; i <= 4000; i++ { // [−20, 20] every 0.005: where the kernels change branch
		xs = append(xs, float32(i)*0.005)
	}
	return xs
}

func TestFastMathMaxError(t *testing.T) {
	xs := sweep(8191)
	for _, c := range fastCases {
		worst, at := 0.0, float32(0)
		for _, x := range xs {
			if e := ulpErr(c.fast(x), c.exact(float64(x))); e > worst {
				worst, at = e, x
			}
		}
		if worst > fastMaxULP {
			t.Errorf("%s: error %.3g ulp at x = %g (%#08x): got %g, want %g", c.name, worst, at, math.Float32bits(at), c.fast(at), c.exact(float64(at)))
		} else {
			t.Logf("%s: max error %.4f ulp over %d inputs", c.name, worst, len(xs))
		}
	}
}

// The special values, by hand: the exact results that matter to the
// kernels (log-space gates at ±1e4, saturated sigmoids, tiny softplus).
func TestFastMathSpecialValues(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	for _, c := range []struct {
		name      string
		got, want float32
	}{
		{"Exp(0)", Exp[float32](0), 1},
		{"Exp(-Inf)", Exp[float32](-inf), 0},
		{"Exp(+Inf)", Exp[float32](inf), inf},
		{"Exp(89)", Exp[float32](89), inf},
		{"Exp(-104)", Exp[float32](-104), 0},
		{"Exp(-1e4)", Exp[float32](-1e4), 0},
		{"Log(1)", Log[float32](1), 0},
		{"Log(0)", Log[float32](0), -inf},
		{"Log(+Inf)", Log[float32](inf), inf},
		{"Log(2^-149)", Log[float32](math.SmallestNonzeroFloat32), float32(-149 * math.Ln2)},
		{"Log1p(-1)", Log1p[float32](-1), -inf},
		{"Log1p(1e-30)", Log1p[float32](1e-30), 1e-30},
		{"Log1p(+Inf)", Log1p[float32](inf), inf},
		{"Softplus(1e4)", Softplus[float32](1e4), 1e4},
		{"Softplus(-1e4)", Softplus[float32](-1e4), 0},
		{"Softplus(-100)", Softplus[float32](-100), float32(math.Exp(-100))},
		{"Softplus(+Inf)", Softplus[float32](inf), inf},
		{"Softplus(-Inf)", Softplus[float32](-inf), 0},
		{"Sigmoid(1e4)", Sigmoid[float32](1e4), 1},
		{"Sigmoid(-1e4)", Sigmoid[float32](-1e4), 0},
		{"Sigmoid(-100)", Sigmoid[float32](-100), float32(math.Exp(-100))},
		{"Sigmoid(+Inf)", Sigmoid[float32](inf), 1},
		{"LogSigmoid(1e4)", logSigmoid32(1e4), 0},
		{"LogSigmoid(-1e4)", logSigmoid32(-1e4), -1e4},
		{"Tanh(1e-30)", Tanh[float32](1e-30), 1e-30},
		{"Tanh(20)", Tanh[float32](20), 1},
		{"Tanh(-Inf)", Tanh[float32](-inf), -1},
	} {
		if c.got != c.want {
			t.Errorf("%s = %g, want %g", c.name, c.got, c.want)
		}
	}
	for _, f := range fastCases {
		if got := f.fast(nan); got == got {
			t.Errorf("%s(NaN) = %g, want NaN", f.name, got)
		}
	}
	if got := Log[float32](-1); got == got {
		t.Errorf("Log(-1) = %g, want NaN", got)
	}
}

// The float64-domain kernels the scans use on float64 intermediates keep
// their stated relative errors over the whole float64 range they are
// applied to (differences of log-space quantities, which can be large).
func TestFastMathFloat64Domain(t *testing.T) {
	for _, c := range []struct {
		name  string
		fast  func(float64) float64
		exact func(float64) float64
		lo    float64
		hi    float64
		tol   float64
	}{
		{"expFast", expFast, math.Exp, -708.3, 709.4, 1e-10},
		{"logFast", logFast, math.Log, 1e-300, 1e300, 1e-11},
		{"log1pFast", log1pFast, math.Log1p, -1 + 1e-15, 1e300, 1e-9},
		{"SoftplusAt[float32]", SoftplusAt[float32], softplusRef, -700, 1e6, 3e-9},
		{"SigmoidAt[float32]", SigmoidAt[float32], sigmoidRef, -700, 700, 4e-9},
		{"tanhFast", tanhFast, math.Tanh, -30, 30, 1e-8},
	} {
		worst, at := 0.0, 0.0
		check := func(x float64) {
			if x < c.lo || x > c.hi {
				return
			}
			want := c.exact(x)
			got := c.fast(x)
			e := math.Abs(got-want) / math.Max(math.Abs(want), 1e-300)
			if got == want {
				e = 0
			}
			if math.IsNaN(e) {
				e = math.Inf(1)
			}
			if e > worst {
				worst, at = e, x
			}
		}
		const n = 50000
		for i := 0; i <= n; i++ { // uniform over [lo, hi] and log-uniform near 0
			check(c.lo + (c.hi-c.lo)*float64(i)/n)
			if c.lo < 0 && c.hi > 0 {
				s := math.Pow(10, -300+310*float64(i)/n)
				check(s)
				check(-s)
			}
		}
		if c.lo > 0 {
			for i := 0; i <= n; i++ {
				check(math.Exp(math.Log(c.lo) + (math.Log(c.hi)-math.Log(c.lo))*float64(i)/n))
			}
		}
		if worst > c.tol {
			t.Errorf("%s: relative error %.3g > %.g at x = %.17g", c.name, worst, c.tol, at)
		} else {
			t.Logf("%s: max relative error %.3g", c.name, worst)
		}
	}
}

// Near and below the float64 underflow threshold expFast keeps its
// relative error down to the subnormal spacing 2^−1074. (Its upper range
// is checked only to 709.4: Go's amd64 math.Exp returns +Inf from
// 709.44 on, short of the true threshold 709.78.)
func TestExpFastSubnormal(t *testing.T) {
	for x := -708.5; x > -746; x -= 0.37 {
		got, want := expFast(x), math.Exp(x)
		if math.Abs(got-want) > 1e-10*want+0x1p-1074 {
			t.Fatalf("expFast(%v) = %g, want %g", x, got, want)
		}
	}
}

// SigmoidsAt's pair agrees with SigmoidAt: bit for bit at float32
// precision (one formula), to float64 rounding at float64 (SigmoidAt
// divides once where SigmoidsAt multiplies by 1/(1+e)), and σ(x) + σ(−x) = 1.
func TestSigmoidsAt(t *testing.T) {
	for x := -40.0; x <= 40; x += 0.37 {
		s, sn := SigmoidsAt[float32](x)
		if s != SigmoidAt[float32](x) || sn != SigmoidAt[float32](-x) {
			t.Fatalf("float32 precision, x = %v: SigmoidsAt %v, %v; SigmoidAt %v, %v", x, s, sn, SigmoidAt[float32](x), SigmoidAt[float32](-x))
		}
		s, sn = SigmoidsAt[float64](x)
		for _, c := range [][2]float64{{s, SigmoidAt[float64](x)}, {sn, SigmoidAt[float64](-x)}, {s + sn, 1}} {
			if math.Abs(c[0]-c[1]) > 4.5e-16*c[1] { // two float64 roundings
				t.Fatalf("float64 precision, x = %v: %v, want %v", x, c[0], c[1])
			}
		}
	}
}

func TestIs32(t *testing.T) {
	type named float32
	if !Is32[float32]() || !Is32[named]() || Is32[float64]() {
		t.Fatal("Is32 does not tell float32 from float64")
	}
}

// BenchmarkFastMath times each float32 kernel and the package math
// function it replaces, per element, writing f(x) for 4096 inputs in
// [−10, 10] (positive for the logs) to a slice: throughput, not latency.
func BenchmarkFastMath(b *testing.B) {
	xs, ps, ys := make([]float32, 4096), make([]float32, 4096), make([]float32, 4096)
	for i := range xs {
		xs[i] = -10 + 20*float32(i)/4096
		ps[i] = 1e-3 + 30*float32(i)/4096
	}
	run := func(name string, body func()) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				body()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)), "ns/elem")
		})
	}
	run("Exp[float32]", func() {
		for i, x := range xs {
			ys[i] = Exp[float32](x)
		}
	})
	run("math.Exp", func() {
		for i, x := range xs {
			ys[i] = float32(math.Exp(float64(x)))
		}
	})
	run("Log[float32]", func() {
		for i, x := range ps {
			ys[i] = Log[float32](x)
		}
	})
	run("math.Log", func() {
		for i, x := range ps {
			ys[i] = float32(math.Log(float64(x)))
		}
	})
	run("Log1p[float32]", func() {
		for i, x := range ps {
			ys[i] = Log1p[float32](x)
		}
	})
	run("math.Log1p", func() {
		for i, x := range ps {
			ys[i] = float32(math.Log1p(float64(x)))
		}
	})
	run("Softplus[float32]", func() {
		for i, x := range xs {
			ys[i] = Softplus[float32](x)
		}
	})
	run("math.Softplus", func() {
		for i, x := range xs {
			ys[i] = float32(softplusRef(float64(x)))
		}
	})
	run("Sigmoid[float32]", func() {
		for i, x := range xs {
			ys[i] = Sigmoid[float32](x)
		}
	})
	run("math.Sigmoid", func() {
		for i, x := range xs {
			ys[i] = float32(sigmoidRef(float64(x)))
		}
	})
	run("LogSigmoid[float32]", func() {
		for i, x := range xs {
			ys[i] = logSigmoid32(x)
		}
	})
	run("Tanh[float32]", func() {
		for i, x := range xs {
			ys[i] = Tanh[float32](x)
		}
	})
	run("math.Tanh", func() {
		for i, x := range xs {
			ys[i] = float32(math.Tanh(float64(x)))
		}
	})
}
