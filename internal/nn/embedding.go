package nn

import (
	"fmt"
	"math/rand/v2"

	"rnnbench/internal/tensor"
)

// Embedding maps token ids to rows of W, as PyTorch's nn.Embedding.
// W is registered with Decay false and marked Embed, so it is excluded
// from CountNonEmbedding and from weight decay.
type Embedding[F tensor.Float] struct {
	V, D int
	W    *tensor.Param[F] // [V, D]
}

// NewEmbedding registers name+".weight" ([V, D]) in ps.
func NewEmbedding[F tensor.Float](ps *tensor.ParamSet[F], name string, V, D int) *Embedding[F] {
	e := &Embedding[F]{V: V, D: D}
	e.W = ps.New(name+".weight", false, V, D)
	e.W.Embed = true
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
	for m, tok := range tokens {
		e.check(tok)
		copy(y[m*D:(m+1)*D], e.W.Data[int(tok)*D:(int(tok)+1)*D])
	}
}

// Backward accumulates dW[tokens[m]] += dy[m] for every row, sequentially
// over rows so that repeated tokens sum in a fixed order.
// tokens: [M], dy: [M, D]. It panics like Forward.
func (e *Embedding[F]) Backward(dy []F, tokens []int32) {
	D := e.D
	if len(dy) < len(tokens)*D {
		panic("nn: Embedding.Backward shape mismatch")
	}
	for m, tok := range tokens {
		e.check(tok)
		tensor.Add(e.W.Grad[int(tok)*D:(int(tok)+1)*D], dy[m*D:(m+1)*D])
	}
}

func (e *Embedding[F]) check(tok int32) {
	if tok < 0 || int(tok) >= e.V {
		panic(fmt.Sprintf("nn: Embedding token %d outside [0, %d)", tok, e.V))
	}
}
