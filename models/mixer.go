package models

import (
	"math/rand/v2"

	"rnnbench/internal/tensor"
)

// Mixer is a causal sequence mixer inside a residual block: it maps
// x: [B, T, D] to y: [B, T, D], where y at position t depends only on x at
// positions ≤ t. Its parameters are registered in the model's ParamSet by
// its constructor.
type Mixer[F tensor.Float] interface {
	// Init draws the mixer's parameters from rng (after ParamSet.Finalize).
	Init(rng *rand.Rand)
	// Alloc makes the activation buffers for a forward/backward over up to
	// B sequences of up to T tokens, counting them in a.
	Alloc(a *tensor.Arena[F], B, T int)
	// Forward computes y: [B, T, D] (overwritten) from x: [B, T, D] and
	// keeps what Backward needs. B and T must not exceed Alloc's.
	Forward(y, x []F, B, T int)
	// Backward takes dy: [B, T, D] and the same x as the last Forward, and
	// accumulates (+=) dx: [B, T, D] and the parameter gradients.
	Backward(dx, dy, x []F, B, T int)
	// NewState makes the inference state for B sequences of up to maxT
	// tokens (a constant-size recurrent state, or a KV cache).
	NewState(B, maxT int) State
	// Step advances s by one token per sequence: x: [B, D] → y: [B, D].
	// Feeding x[:, t] for t = 0..T−1 gives the same y as Forward.
	Step(s State, y, x []F)
	// FLOPs returns the forward FLOPs per token of a sequence of length T
	// (averaged over positions where the cost depends on the position).
	FLOPs(T int) int64
}

// State is a mixer's inference state.
type State interface {
	// Bytes returns the bytes this state holds for its B sequences at its
	// current length (for a KV cache, the bytes of the positions filled).
	Bytes() int64
	// Reset empties the state, as before the first token.
	Reset()
}
