package optim

import (
	"math"

	"rnnbench/internal/tensor"
)

// ClipGradNorm returns the global L2 norm of grad (GradNorm) and, as
// torch.nn.utils.clip_grad_norm_, multiplies grad by ClipScale(norm,
// maxNorm), i.e. scales it only when the norm exceeds maxNorm (up to the
// 1e-6). maxNorm <= 0 disables clipping. A non-finite norm is returned
// with grad left unchanged, so the caller can skip the step. A training
// step need not rewrite the gradient: AdamW.StepClipped applies the same
// factor, bit for bit, inside its own pass over the slab.
func ClipGradNorm[F tensor.Float](grad []F, maxNorm float64) (norm float64) {
	norm = GradNorm(grad)
	if c := ClipScale[F](norm, maxNorm); c != 1 {
		for i := range grad {
			grad[i] *= c
		}
	}
	return norm
}

// GradNorm returns the global L2 norm of grad, summed sequentially in
// float64 (so independent of GOMAXPROCS).
func GradNorm[F tensor.Float](grad []F) float64 {
	var ss float64
	for _, g := range grad {
		ss += float64(g) * float64(g)
	}
	return math.Sqrt(ss)
}

// ClipScale returns the factor clipping multiplies a gradient of global
// norm norm by: min(1, maxNorm/(norm+1e-6)) rounded to F, and 1 when
// maxNorm <= 0 (no clipping) or norm is not finite.
func ClipScale[F tensor.Float](norm, maxNorm float64) F {
	if maxNorm <= 0 || math.IsNaN(norm) || math.IsInf(norm, 0) {
		return 1
	}
	if coef := maxNorm / (norm + 1e-6); coef < 1 {
		return F(coef)
	}
	return 1
}
