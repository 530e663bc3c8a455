package tasks

import "math/rand/v2"

// EvenPairs is even_pairs of the minRNNs code (data/even_pairs.py): V = 3,
// bits 0 and 1, EMPTY = 2. A row of input length L is L random bits then
// EMPTY (T = L+1); the one scored target, at the last position, is the
// number of i with x_i ≠ x_{i+1}, mod 2 (which equals x_0 XOR x_{L−1}: a
// regular language needing no counting). Two classes, chance 1/2. Worked
// example, L = 5 (pairs 0≠1, 1≠0 differ: 2, even):
//
//	position  0  1  2  3  4  5
//	tokens    0  1  0  0  0  2
//	targets  -1 -1 -1 -1 -1  0
type EvenPairs struct{}

// EvenPairsEmpty is even-pairs' query token.
const EvenPairsEmpty = 2

func (EvenPairs) Name() string           { return "even-pairs" }
func (EvenPairs) V() int                 { return 3 }
func (EvenPairs) Classes() int           { return 2 }
func (EvenPairs) SeqLen(L int) int       { return L + 1 }
func (e EvenPairs) Validate(L int) error { return needLength(e.Name(), L) }

// Row writes L bits drawn from rng, EMPTY, and the answer at the end.
func (e EvenPairs) Row(tokens, targets []int32, L int, rng *rand.Rand) {
	checkRow(e, tokens, targets, L)
	for i := range L {
		tokens[i] = int32(rng.IntN(2))
	}
	tokens[L] = EvenPairsEmpty
	e.Oracle(targets, tokens, L)
}

// Oracle counts the unequal neighbouring pairs mod 2.
func (e EvenPairs) Oracle(pred, tokens []int32, L int) {
	n := int32(0)
	for i := 0; i+1 < L; i++ {
		if tokens[i] != tokens[i+1] {
			n++
		}
	}
	readOut(pred, n%2)
}
