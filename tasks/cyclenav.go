package tasks

import "math/rand/v2"

// CycleNav is cycle_nav of the minRNNs code (data/cycle_nav.py): actions
// 0, 1, 2 move −1, 0, +1 on a cycle of 5 positions starting at 0; EMPTY =
// 3. A row of input length L is L random actions then EMPTY (T = L+1); the
// one scored target, at the last position, is the final position
// Σ(a_i − 1) mod 5 (in 0..4). Five classes, chance 1/5. The official code
// has 4 input tokens; the model vocabulary is 5 so that its head covers the
// 5 classes (token 4 never occurs in the input). Worked example, L = 4,
// moves +1, +1, 0, −1 from 0 end at 1:
//
//	position  0  1  2  3  4
//	tokens    2  2  1  0  3
//	targets  -1 -1 -1 -1  1
type CycleNav struct{}

// CycleNavEmpty is cycle-nav's query token; CycleNavLength the cycle.
const (
	CycleNavEmpty  = 3
	CycleNavLength = 5
)

func (CycleNav) Name() string           { return "cycle-nav" }
func (CycleNav) V() int                 { return CycleNavLength }
func (CycleNav) Classes() int           { return CycleNavLength }
func (CycleNav) SeqLen(L int) int       { return L + 1 }
func (c CycleNav) Validate(L int) error { return needLength(c.Name(), L) }

// Row writes L actions drawn from rng, EMPTY, and the final position.
func (c CycleNav) Row(tokens, targets []int32, L int, rng *rand.Rand) {
	checkRow(c, tokens, targets, L)
	for i := range L {
		tokens[i] = int32(rng.IntN(3))
	}
	tokens[L] = CycleNavEmpty
	c.Oracle(targets, tokens, L)
}

// Oracle walks the cycle.
func (c CycleNav) Oracle(pred, tokens []int32, L int) {
	pos := int32(0)
	for _, a := range tokens[:L] {
		pos = (pos + a - 1 + CycleNavLength) % CycleNavLength
	}
	readOut(pred, pos)
}
