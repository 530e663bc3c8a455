package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// vecCase is one vector kernel, its float64 reference, the documented
// bound of the assembly version and the inputs it is defined for.
type vecCase struct {
	name  string
	vec   func(dst, x []float32)
	exact func(float64) float64
	asm   float64 // max ulp of the assembly version
	in    func(float32) bool
}

var vecCases = []vecCase{
	{"ExpVec32", ExpVec32, math.Exp, 1.5, nil},
	{"LogVec32", LogVec32, math.Log, 1, func(x float32) bool { return x > 0 && x >= 0x1p-126 || x != x || math.IsInf(float64(x), 1) }},
	{"SoftplusVec32", SoftplusVec32, softplusRef, 2.5, nil},
	{"SigmoidVec32", SigmoidVec32, sigmoidRef, 2.5, nil},
	{"TanhVec32", TanhVec32, math.Tanh, 2.5, nil},
	{"LogSigmoidVec32", LogSigmoidVec32, func(x float64) float64 { return -softplusRef(-x) }, 2.5, nil},
	{"Log1pVec32", Log1pVec32, math.Log1p, 2, func(x float32) bool { return x > -1 || x != x }},
}

// checkVec runs c over xs (in one call, so the tail is masked) and
// returns the worst ulp error and where.
func checkVec(c vecCase, xs []float32) (worst float64, at float32, got float32) {
	var in []float32
	for _, x := range xs {
		if c.in == nil || c.in(x) {
			in = append(in, x)
		}
	}
	out := make([]float32, len(in))
	c.vec(out, in)
	for i, x := range in {
		want := c.exact(float64(x))
		if (c.name == "LogVec32" || c.name == "Log1pVec32") && haveAVX2 && math.IsInf(float64(x), 1) {
			want = math.NaN() // documented: +Inf gives NaN
		}
		if e := ulpErr(out[i], want); e > worst {
			worst, at, got = e, x, out[i]
		}
	}
	return worst, at, got
}

func TestVecMaxError(t *testing.T) {
	xs := sweep(8191)
	rng := rand.New(rand.NewPCG(1, 1))
	for range 100000 { // dense where the kernels are used: [−90, 90] and [−1, 1]
		xs = append(xs, float32(180*rng.Float64()-90), float32(2*rng.Float64()-1))
	}
	eachKernelSet(t, func(asm bool) {
		for _, c := range vecCases {
			bound := fastMaxULP
			if asm {
				bound = c.asm
			}
			worst, at, got := checkVec(c, xs)
			if worst > bound {
				t.Errorf("%s (asm %v): error %.3g ulp > %g at x = %g: got %g, want %g", c.name, asm, worst, bound, at, got, c.exact(float64(at)))
			} else {
				t.Logf("%s (asm %v): max error %.3f ulp", c.name, asm, worst)
			}
		}
	})
}

// Every length from 0 to 40 works (masked tails), results do not depend
// on the position in the slice, dst may alias x, and nothing past len(x)
// is written.
func TestVecTailsAndAliasing(t *testing.T) {
	for _, c := range vecCases {
		base := make([]float32, 48)
		for i := range base {
			base[i] = 0.37*float32(i) - 7
		}
		ref := make([]float32, len(base))
		c.vec(ref, base)
		for n := 0; n <= 40; n++ {
			for off := 0; off < 3 && off+n <= len(base); off++ {
				dst := make([]float32, len(base)+8)
				for i := range dst {
					dst[i] = -123
				}
				c.vec(dst[off:off+n], base[off:off+n])
				for i := range dst {
					want := float32(-123)
					if i >= off && i < off+n {
						want = ref[i]
					}
					if dst[i] != want && !(dst[i] != dst[i] && want != want) {
						t.Fatalf("%s n=%d off=%d: dst[%d] = %v, want %v", c.name, n, off, i, dst[i], want)
					}
				}
			}
		}
		in := append([]float32(nil), base...)
		c.vec(in, in)
		for i := range in {
			if in[i] != ref[i] && !(in[i] != in[i] && ref[i] != ref[i]) {
				t.Fatalf("%s in place: [%d] = %v, want %v", c.name, i, in[i], ref[i])
			}
		}
	}
}

// eachKernelSet runs f with the assembly kernels (where the CPU has them)
// and with the portable Go versions, and restores the selection after.
func eachKernelSet(t *testing.T, f func(asm bool)) {
	saved := haveAVX2
	defer func() { haveAVX2 = saved }()
	for _, asm := range []bool{true, false} {
		if asm && !saved {
			t.Log("no AVX2: assembly kernels not tested")
			continue
		}
		haveAVX2 = asm
		f(asm)
	}
}

// BenchmarkVec times each vector kernel per element over 4096 inputs.
func BenchmarkVec(b *testing.B) {
	xs, ys := make([]float32, 4096), make([]float32, 4096)
	for i := range xs {
		xs[i] = 1e-3 + 20*float32(i)/4096
	}
	for _, c := range vecCases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.vec(ys, xs)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)), "ns/elem")
		})
	}
}

// The reductions and row operations agree with float64 arithmetic to
// float32 rounding, for lengths with and without tails, with and without
// the assembly, and give the same bits however often they are called.
func TestVecRowOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	eachKernelSet(t, func(asm bool) {
		for _, n := range []int{0, 1, 7, 8, 9, 64, 100} {
			x, y, z, w := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
			var dot, dot3, scale float64
			for i := range x {
				x[i], y[i], z[i], w[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64()), float32(rng.NormFloat64()), float32(rng.NormFloat64())
				dot += float64(x[i]) * float64(y[i])
				dot3 += float64(x[i]) * float64(y[i]) * float64(z[i])
				scale += math.Abs(float64(x[i]) * float64(y[i]) * (1 + math.Abs(float64(z[i]))))
			}
			tol := 1e-6 * (scale + 1)
			if got := Dot32(x, y); math.Abs(float64(got)-dot) > tol {
				t.Errorf("asm %v n=%d: Dot32 = %v, want %v", asm, n, got, dot)
			}
			if got := Dot3_32(x, y, z); math.Abs(float64(got)-dot3) > tol {
				t.Errorf("asm %v n=%d: Dot3_32 = %v, want %v", asm, n, got, dot3)
			}
			dst := make([]float32, n)
			ScaleMul32(dst, x, w, 1.5)
			for i := range dst {
				if want := float32(1.5) * x[i] * w[i]; dst[i] != want {
					t.Fatalf("asm %v n=%d: ScaleMul32[%d] = %v, want %v", asm, n, i, dst[i], want)
				}
			}
			dx := append([]float32(nil), z...)
			RMSBack32(dx, y, x, w, 0.7, 0.3)
			for i := range dx {
				want := float64(z[i]) + 0.7*float64(w[i])*float64(y[i]) - 0.3*float64(x[i])
				if math.Abs(float64(dx[i])-want) > 1e-6*(1+math.Abs(want)) {
					t.Fatalf("asm %v n=%d: RMSBack32[%d] = %v, want %v", asm, n, i, dx[i], want)
				}
			}
		}
		const rows, ld = 37, 20
		dy, x, r := make([]float32, rows*ld), make([]float32, rows*ld), make([]float32, rows)
		for i := range dy {
			dy[i], x[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		}
		for i := range r {
			r[i] = float32(rng.Float64())
		}
		var sums [16]float32
		sums[5] = -1
		ColSum16_32(&sums, dy[1:], rows, ld)
		for j := range sums {
			want := 0.0
			if j == 5 {
				want = -1
			}
			for i := 0; i < rows; i++ {
				want += float64(dy[1+i*ld+j])
			}
			if math.Abs(float64(sums[j])-want) > 1e-5 {
				t.Errorf("asm %v: ColSum16_32[%d] = %v, want %v", asm, j, sums[j], want)
			}
		}
		var acc [16]float32
		acc[3] = 2
		ColAcc16_32(&acc, dy[1:], x[1:], r, ld)
		for j := range acc {
			want := 0.0
			if j == 3 {
				want = 2
			}
			for i := range r {
				want += float64(r[i]) * float64(dy[1+i*ld+j]) * float64(x[1+i*ld+j])
			}
			if math.Abs(float64(acc[j])-want) > 1e-5 {
				t.Errorf("asm %v: ColAcc16_32[%d] = %v, want %v", asm, j, acc[j], want)
			}
		}
	})
}

// SoftmaxVec32 matches a float64 softmax for every length from 1 to 40
// (tails), with large and negative inputs, and sums to 1.
func TestSoftmaxVec32(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	eachKernelSet(t, func(asm bool) {
		for n := 1; n <= 40; n++ {
			for _, scale := range []float64{1, 30, 1e4} {
				x := make([]float32, n)
				for i := range x {
					x[i] = float32(scale*rng.NormFloat64() - 50)
				}
				want := make([]float64, n)
				m := math.Inf(-1)
				for _, v := range x {
					m = math.Max(m, float64(v))
				}
				s := 0.0
				for i, v := range x {
					want[i] = math.Exp(float64(v) - m)
					s += want[i]
				}
				SoftmaxVec32(x)
				total := 0.0
				for i := range x {
					total += float64(x[i])
					if d := math.Abs(float64(x[i]) - want[i]/s); d > 1e-6 {
						t.Fatalf("asm %v n=%d scale %g: [%d] = %v, want %v", asm, n, scale, i, x[i], want[i]/s)
					}
				}
				if math.Abs(total-1) > 1e-5 {
					t.Fatalf("asm %v n=%d: sums to %v", asm, n, total)
				}
			}
		}
	})
}

func TestSoftmaxBack32(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	eachKernelSet(t, func(asm bool) {
		for _, n := range []int{1, 5, 8, 13, 64} {
			p, d := make([]float32, n), make([]float32, n)
			for i := range p {
				p[i], d[i] = float32(rng.Float64()), float32(rng.NormFloat64())
			}
			dot := 0.0
			for i := range p {
				dot += float64(p[i]) * float64(d[i])
			}
			want := make([]float64, n)
			for i := range p {
				want[i] = float64(p[i]) * (float64(d[i]) - dot)
			}
			SoftmaxBack32(d, p)
			for i := range d {
				if math.Abs(float64(d[i])-want[i]) > 1e-6*float64(n) {
					t.Fatalf("asm %v n=%d: [%d] = %v, want %v", asm, n, i, d[i], want[i])
				}
			}
		}
	})
}
