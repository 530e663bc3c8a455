package optim

import (
	"math"

	"rnnbench/internal/tensor"
)

// ClipGradNorm returns the global L2 norm of grad (summed sequentially in
// float64, so independent of GOMAXPROCS) and, as
// torch.nn.utils.clip_grad_norm_, multiplies grad by
// min(1, maxNorm/(norm+1e-6)), i.e. scales it only when the norm exceeds
// maxNorm (up to the 1e-6). maxNorm <= 0 disables clipping. A non-finite
// norm is returned with grad left unchanged, so the caller can skip the step.
func ClipGradNorm[F tensor.Float](grad []F, maxNorm float64) (norm float64) {
	var ss float64
	for _, g := range grad {
		ss += float64(g) * float64(g)
	}
	norm = math.Sqrt(ss)
	if maxNorm <= 0 || math.IsNaN(norm) || math.IsInf(norm, 0) {
		return norm
	}
	coef := maxNorm / (norm + 1e-6)
	if coef < 1 {
		c := F(coef)
		for i := range grad {
			grad[i] *= c
		}
	}
	return norm
}
