package models

import "rnnbench/internal/tensor"

// minCell is the gate algebra of one minimal RNN cell (Feng et al. 2024,
// "Were RNNs All We Needed?", arXiv 2410.01201, §3): how the G gate
// pre-activations of a token, k: [G·E] (gate by gate, e.g. minGRU
// k_z | k_h), give the coefficients of the first-order recurrence
//
//	h_t = a_t ⊙ h_{t−1} + b_t
//
// as one sequential step, or as a gateForm: in log space (log a, log b:
// the paper's parallel form) or in linear space (a, b). The scan modes
// (minrnn_*.go) run them per token row or per channel; the cells are
// minGRU (mingru.go), minLSTM (minlstm.go) and the official code's
// unnormalised minLSTM (minlstm_raw.go). Every function computes in
// float64 arithmetic with the transcendentals at F's precision; in float32
// a form's rows run its AVX2 kernels (minrnn_amd64.s) where it has them.
type minCell[F tensor.Float] interface {
	// name is the mixer's name ("mingru", "minlstm"), for panics.
	name() string
	// gates is G, the number of gate pre-activations per channel.
	gates() int
	// logForm and linForm are the cell's gate transforms in log space
	// (log a, log b) and in linear space (a, b; 0 < a < 1).
	logForm() gateForm[F]
	linForm() gateForm[F]
	// step returns h_t of channel e from k: [G·E] and h_{t−1}.
	step(k []F, e int, hPrev float64) float64
	// stepBackward overwrites dk[g·E+e] for each gate g from
	// g_t = ∂L/∂h_t and returns ∂L/∂h_{t−1}.
	stepBackward(dk, k []F, e int, hPrev, g float64) float64
	// flops is the elementwise forward FLOPs per channel per token of
	// each form, as implemented (convention in cellFLOPs).
	flops() cellFLOPs
}

// gateForm is one of a cell's gate transforms: the pair (log a, log b) or
// (a, b) of a channel from the token's pre-activations, its derivative,
// and how the learned initial state folds into the first token (the
// embedded logSpace or linSpace, minrnn_state0.go).
type gateForm[F tensor.Float] interface {
	// pair returns (log a, log b) or (a, b) of channel e from k: [G·E].
	pair(k []F, e int) (a, b float64)
	// pairBackward overwrites dk[g·E+e] for each gate g from the
	// gradients da, db of the pair.
	pairBackward(dk, k []F, e int, da, db float64)
	// rows32 returns the form's float32 AVX2 row kernels, or nil.
	rows32() *rowKernels
	// foldH0 and unfoldH0: see logSpace, linSpace.
	gateSpace[F]
}

// rowKernels are a gate form's float32 row kernels over one token:
// fwd sets a, b: [E] from k: [G·E]; bwd overwrites dk: [G·E] from k and
// the gradients da, db: [E] (minrnn_amd64.s; any E, the tail masked).
type rowKernels struct {
	fwd func(a, b, k []float32)
	bwd func(dk, k, da, db []float32)
}

// cellFLOPs is a cell's elementwise forward FLOPs per channel per token:
// gates and scan in log space, the sequential step, and gates and scan in
// linear space. Convention: every add, multiply, divide, negation, compare
// and every exp/log/log1p counts 1; so softplus = 3 (exp, log1p, add), the
// pair σ(x), σ(−x) = 4 (exp, add, divide, multiply), g = 3 and log g = 3.
// The log-space scan costs 10 (cumsum 1; u 1, compare 1, exp 1,
// multiply-add 2, log 1, two adds 2, exp 1), the linear one 2 (a·h + b).
type cellFLOPs struct{ parallel, sequential, linear int64 }

// Scan costs per channel per token shared by the cells' FLOPs.
const (
	logScanFLOPs = 10
	linScanFLOPs = 2
)

// Gate functions shared by the cells, in float64 arithmetic with the
// transcendentals at F's precision (tensor.ExpAt etc.: exact for float64).
// g (Feng et al. 2024, §3 and the appendix) replaces tanh so that h̃ > 0
// and log h̃ exists in the log-space form.

// minG is g(x) = x + 0.5 for x ≥ 0, σ(x) for x < 0 (continuous, > 0).
func minG[F tensor.Float](x float64) float64 {
	if x >= 0 {
		return x + 0.5
	}
	return tensor.SigmoidAt[F](x)
}

// minDG is g′(x): 1 for x ≥ 0, σ(x)·σ(−x) for x < 0.
func minDG[F tensor.Float](x float64) float64 {
	if x >= 0 {
		return 1
	}
	s, sn := tensor.SigmoidsAt[F](x)
	return s * sn
}

// minLogG is log g(x): log(x + 0.5) for x ≥ 0, −softplus(−x) for x < 0.
func minLogG[F tensor.Float](x float64) float64 {
	if x >= 0 {
		return tensor.LogAt[F](x + 0.5)
	}
	return -tensor.SoftplusAt[F](-x)
}

// minDLogG is (log g)′(x): 1/(x + 0.5) for x ≥ 0, σ(−x) for x < 0.
func minDLogG[F tensor.Float](x float64) float64 {
	if x >= 0 {
		return 1 / (x + 0.5)
	}
	return tensor.SigmoidAt[F](-x)
}
