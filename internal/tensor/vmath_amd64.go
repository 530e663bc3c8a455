package tensor

import (
	"os"

	"golang.org/x/sys/cpu"
)

// haveAVX2 reports whether the float32 vector kernels of vmath_amd64.s
// run: the CPU has AVX2 and FMA (and the OS saves the YMM registers), and
// the environment does not set RNNBENCH_NOASM (which selects the portable
// Go versions, e.g. to compare them). Tests turn it off too.
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA && os.Getenv("RNNBENCH_NOASM") == ""

//go:noescape
func expVecAVX(dst, x *float32, n int)

//go:noescape
func logVecAVX(dst, x *float32, n int)

//go:noescape
func softplusVecAVX(dst, x *float32, n int)

//go:noescape
func sigmoidVecAVX(dst, x *float32, n int)

//go:noescape
func tanhVecAVX(dst, x *float32, n int)

//go:noescape
func dotAVX(x, y *float32, n int) float32

//go:noescape
func dot3AVX(x, y, z *float32, n int) float32

//go:noescape
func scaleMulAVX(dst, x, w *float32, a float32, n int)

//go:noescape
func rmsBackAVX(dx, dy, x, w *float32, a, c float32, n int)

//go:noescape
func colAccAVX(acc, dy, x, r *float32, m, ld int)

//go:noescape
func softmaxAVX(x *float32, n int)

//go:noescape
func softmaxBackAVX(d, p *float32, dot float32, n int)

//go:noescape
func logSigmoidVecAVX(dst, x *float32, n int)

//go:noescape
func log1pVecAVX(dst, x *float32, n int)

//go:noescape
func colSumAVX(acc, x *float32, m, ld int)
