package models

import (
	"unsafe"

	"rnnbench/internal/tensor"
)

// Row helpers for the mixers' elementwise passes: in float32 they run the
// vector kernels of internal/tensor (AVX2 where available), in float64 the
// exact scalar functions, so the float64 gradient checks stay tight.

// as32 returns s as []float32; only for F = float32.
func as32[F tensor.Float](s []F) []float32 {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&s[0])), len(s))
}

// sigmoidRow sets dst[i] = σ(x[i]); dst may be x.
func sigmoidRow[F tensor.Float](dst, x []F) {
	if tensor.Is32[F]() {
		tensor.SigmoidVec32(as32(dst), as32(x))
		return
	}
	for i, v := range x {
		dst[i] = tensor.Sigmoid(v)
	}
}

// softplusRow sets dst[i] = softplus(x[i]); dst may be x.
func softplusRow[F tensor.Float](dst, x []F) {
	if tensor.Is32[F]() {
		tensor.SoftplusVec32(as32(dst), as32(x))
		return
	}
	for i, v := range x {
		dst[i] = tensor.Softplus(v)
	}
}

// tanhRow sets dst[i] = tanh x[i]; dst may be x.
func tanhRow[F tensor.Float](dst, x []F) {
	if tensor.Is32[F]() {
		tensor.TanhVec32(as32(dst), as32(x))
		return
	}
	for i, v := range x {
		dst[i] = tensor.Tanh(v)
	}
}
