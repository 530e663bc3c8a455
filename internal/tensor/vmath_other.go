//go:build !amd64

package tensor

// haveAVX2 is false off amd64: the vector functions use the portable loops.
var haveAVX2 = false

func expVecAVX(dst, x *float32, n int)      { panic("tensor: no AVX2 kernels") }
func logVecAVX(dst, x *float32, n int)      { panic("tensor: no AVX2 kernels") }
func softplusVecAVX(dst, x *float32, n int) { panic("tensor: no AVX2 kernels") }
func sigmoidVecAVX(dst, x *float32, n int)  { panic("tensor: no AVX2 kernels") }
func tanhVecAVX(dst, x *float32, n int)     { panic("tensor: no AVX2 kernels") }

func dotAVX(x, y *float32, n int) float32                   { panic("tensor: no AVX2 kernels") }
func dot3AVX(x, y, z *float32, n int) float32               { panic("tensor: no AVX2 kernels") }
func scaleMulAVX(dst, x, w *float32, a float32, n int)      { panic("tensor: no AVX2 kernels") }
func rmsBackAVX(dx, dy, x, w *float32, a, c float32, n int) { panic("tensor: no AVX2 kernels") }
func colAccAVX(acc, dy, x, r *float32, m, ld int)           { panic("tensor: no AVX2 kernels") }

func softmaxAVX(x *float32, n int) { panic("tensor: no AVX2 kernels") }

func softmaxBackAVX(d, p *float32, dot float32, n int) { panic("tensor: no AVX2 kernels") }

func logSigmoidVecAVX(dst, x *float32, n int) { panic("tensor: no AVX2 kernels") }
func log1pVecAVX(dst, x *float32, n int)      { panic("tensor: no AVX2 kernels") }

func colSumAVX(acc, x *float32, m, ld int) { panic("tensor: no AVX2 kernels") }
