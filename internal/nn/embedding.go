package nn

import (
	"fmt"
	"math/rand/v2"
	"sync"

	"rnnbench/internal/tensor"
)

// Embedding maps token ids to rows of W, as PyTorch's nn.Embedding.
// W is registered with Decay false and marked Embed, so it is excluded
// from CountNonEmbedding and from weight decay.
type Embedding[F tensor.Float] struct {
	V, D int
	W    *tensor.Param[F] // [V, D]

	// The running call's arguments, read by the parallel bodies bound in
	// NewEmbedding (no closure per call); mu guards them.
	mu       sync.Mutex
	rows     []F
	tokens   []int32
	fwd, bwd func(lo, hi int)
}

// NewEmbedding registers name+".weight" ([V, D]) in ps.
func NewEmbedding[F tensor.Float](ps *tensor.ParamSet[F], name string, V, D int) *Embedding[F] {
	e := &Embedding[F]{V: V, D: D}
	e.W = ps.New(name+".weight", false, V, D)
	e.W.Embed = true
	e.fwd = func(lo, hi int) { e.forwardRows(e.rows, e.tokens, lo, hi) }
	e.bwd = func(lo, hi int) { e.backwardTokens(e.rows, e.tokens, int32(lo), int32(hi)) }
	return e
}

// Init draws W from N(0, 0.02²), GPT-2's and nanoGPT's choice
// (nanoGPT model.py _init_weights), not PyTorch's N(0, 1) default.
func (e *Embedding[F]) Init(rng *rand.Rand) {
	tensor.Normal(rng, e.W.Data, 0.02)
}

// Forward overwrites y with the rows of W named by tokens.
// tokens: [M], y: [M, D]. It panics if len(y) < M·D or if a token is
// outside [0, V).
func (e *Embedding[F]) Forward(y []F, tokens []int32) {
	D := e.D
	if len(y) < len(tokens)*D {
		panic("nn: Embedding.Forward shape mismatch")
	}
	for _, tok := range tokens {
		e.check(tok)
	}
	if g := rowGrain(D); split(len(tokens), g) && e.mu.TryLock() {
		e.rows, e.tokens = y, tokens
		tensor.For(len(tokens), g, e.fwd)
		e.rows, e.tokens = nil, nil
		e.mu.Unlock()
		return
	}
	e.forwardRows(y, tokens, 0, len(tokens))
}

func (e *Embedding[F]) forwardRows(y []F, tokens []int32, lo, hi int) {
	D := e.D
	for m := lo; m < hi; m++ {
		tok := int(tokens[m])
		copy(y[m*D:(m+1)*D], e.W.Data[tok*D:(tok+1)*D])
	}
}

// Backward accumulates dW[tokens[m]] += dy[m] for every row, sequentially
// over rows so that repeated tokens sum in a fixed order; in parallel over
// ranges of token ids, each task scanning all rows and updating only the
// rows of W of its ids (so tasks share no cache lines of W but at their
// edges). tokens: [M], dy: [M, D]. It panics like Forward.
func (e *Embedding[F]) Backward(dy []F, tokens []int32) {
	D := e.D
	if len(dy) < len(tokens)*D {
		panic("nn: Embedding.Backward shape mismatch")
	}
	for _, tok := range tokens {
		e.check(tok)
	}
	if g := max(1, e.V/8); len(tokens)*D >= parGrain && split(e.V, g) && e.mu.TryLock() {
		e.rows, e.tokens = dy, tokens
		tensor.For(e.V, g, e.bwd)
		e.rows, e.tokens = nil, nil
		e.mu.Unlock()
		return
	}
	e.backwardTokens(dy, tokens, 0, int32(e.V))
}

// backwardTokens adds dy[m] to dW[tokens[m]] for the rows m, in order,
// whose token is in [lo, hi).
func (e *Embedding[F]) backwardTokens(dy []F, tokens []int32, lo, hi int32) {
	D := e.D
	for m, tok := range tokens {
		if tok < lo || tok >= hi {
			continue
		}
		dw, src := e.W.Grad[int(tok)*D:][:D], dy[m*D:][:D]
		for j, v := range src {
			dw[j] += v
		}
	}
}

func (e *Embedding[F]) check(tok int32) {
	if tok < 0 || int(tok) >= e.V {
		panic(fmt.Sprintf("nn: Embedding token %d outside [0, %d)", tok, e.V))
	}
}
