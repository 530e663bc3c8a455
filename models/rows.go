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
func sigmoidRow[F tensor.Float](dst, x []F) { rowOf(rowSigmoid, dst, x) }

// softplusRow sets dst[i] = softplus(x[i]); dst may be x.
func softplusRow[F tensor.Float](dst, x []F) { rowOf(rowSoftplus, dst, x) }

// tanhRow sets dst[i] = tanh x[i]; dst may be x.
func tanhRow[F tensor.Float](dst, x []F) { rowOf(rowTanh, dst, x) }

// rowFunc names the function a row helper applies. (A value, not a func
// value: passing the vector kernels as func values made the callers' stack
// buffers escape, one heap allocation per call.)
type rowFunc int

const (
	rowSigmoid rowFunc = iota
	rowSoftplus
	rowTanh
)

// rowOf sets dst[i] = f(x[i]): in float32 with f's vector kernel, in
// float64 with the exact scalar function.
func rowOf[F tensor.Float](f rowFunc, dst, x []F) {
	if tensor.Is32[F]() {
		d, s := as32(dst), as32(x)
		switch f {
		case rowSigmoid:
			tensor.SigmoidVec32(d, s)
		case rowSoftplus:
			tensor.SoftplusVec32(d, s)
		default:
			tensor.TanhVec32(d, s)
		}
		return
	}
	for i, v := range x {
		switch f {
		case rowSigmoid:
			dst[i] = tensor.Sigmoid(v)
		case rowSoftplus:
			dst[i] = tensor.Softplus(v)
		default:
			dst[i] = tensor.Tanh(v)
		}
	}
}
