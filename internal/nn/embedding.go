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
	e.check(y, tokens, "Forward")
	tensor.ForWith(len(tokens), rowGrain(e.D), embedRows[F]{e, y, tokens, false})
}

// Backward accumulates dW[tokens[m]] += dy[m] for every row, sequentially
// over rows so that repeated tokens sum in a fixed order; in parallel over
// ranges of token ids, each task scanning all rows and updating only the
// rows of W of its ids (so tasks share no cache lines of W but at their
// edges). tokens: [M], dy: [M, D]. It panics like Forward.
func (e *Embedding[F]) Backward(dy []F, tokens []int32) {
	e.check(dy, tokens, "Backward")
	k := embedRows[F]{e, dy, tokens, true}
	if len(tokens)*e.D < parGrain { // too little work to split
		k.Run(0, e.V)
		return
	}
	tensor.ForWith(e.V, max(1, e.V/8), k)
}

// embedRows is one call of Forward (rows = y: [M, D]; Run over the rows
// [lo, hi)) or of Backward (rows = dy: [M, D]; Run over the token ids
// [lo, hi)).
type embedRows[F tensor.Float] struct {
	e        *Embedding[F]
	rows     []F
	tokens   []int32 // [M]
	backward bool
}

func (k embedRows[F]) Run(lo, hi int) {
	D, W := k.e.D, k.e.W
	if !k.backward {
		for m := lo; m < hi; m++ {
			tok := int(k.tokens[m])
			copy(k.rows[m*D:(m+1)*D], W.Data[tok*D:(tok+1)*D])
		}
		return
	}
	// dW[tokens[m]] += dy[m] for the rows m, in order, whose token is in [lo, hi).
	for m, tok := range k.tokens {
		if int(tok) < lo || int(tok) >= hi {
			continue
		}
		addRow(W.Grad[int(tok)*D:][:D], k.rows[m*D:][:D])
	}
}

// check panics unless rows ([M, D], y or dy) holds M = len(tokens) rows
// and every token is in [0, V); op names the method in the message.
func (e *Embedding[F]) check(rows []F, tokens []int32, op string) {
	if len(rows) < len(tokens)*e.D {
		panic("nn: Embedding." + op + " shape mismatch")
	}
	for _, tok := range tokens {
		if tok < 0 || int(tok) >= e.V {
			panic(fmt.Sprintf("nn: Embedding token %d outside [0, %d)", tok, e.V))
		}
	}
}
