package tasks

import "math/rand/v2"

// Parity is parity_check of the minRNNs code (data/parity_check.py): V = 3,
// bits 0 and 1, EMPTY = 2. A row of input length L is L random bits then
// EMPTY (T = L+1); the one scored target, at the last position, is the sum
// of the bits mod 2. Two classes, chance 1/2. Worked example, L = 5:
//
//	position  0  1  2  3  4  5
//	tokens    1  0  1  1  0  2
//	targets  -1 -1 -1 -1 -1  1
//
// A recurrence whose transition lies in (0, 1) — minGRU, minLSTM, S6 —
// cannot represent parity at arbitrary length (Grazzi et al. 2024); a
// classic LSTM can.
type Parity struct{}

// ParityEmpty is parity's query token.
const ParityEmpty = 2

func (Parity) Name() string           { return "parity" }
func (Parity) V() int                 { return 3 }
func (Parity) Classes() int           { return 2 }
func (Parity) SeqLen(L int) int       { return L + 1 }
func (p Parity) Validate(L int) error { return needLength(p.Name(), L) }

// Row writes L bits drawn from rng, EMPTY, and the parity at the end.
func (p Parity) Row(tokens, targets []int32, L int, rng *rand.Rand) {
	checkRow(p, tokens, targets, L)
	for i := range L {
		tokens[i] = int32(rng.IntN(2))
	}
	tokens[L] = ParityEmpty
	p.Oracle(targets, tokens, L)
}

// Oracle counts the ones mod 2.
func (p Parity) Oracle(pred, tokens []int32, L int) {
	var s int32
	for _, x := range tokens[:L] {
		s += x
	}
	readOut(pred, s%2)
}
