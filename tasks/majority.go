package tasks

import "math/rand/v2"

// Majority is majority of the minRNNs code (data/majority.py): V = 64,
// tokens 0..62, EMPTY = 63. A row of input length L is L random tokens then
// EMPTY (T = L+1); the one scored target, at the last position, is the most
// frequent token, ties going to the larger id. 63 classes, chance 1/63 (a
// uniform guess; a constant guess can do better, since ties favour large
// ids). Worked example, L = 6 (5 and 9 both appear twice: 9 wins):
//
//	position  0  1  2  3  4  5  6
//	tokens    5  9  1  5  9  0 63
//	targets  -1 -1 -1 -1 -1 -1  9
type Majority struct{}

// MajorityEmpty is the query token of majority and majority-count.
const MajorityEmpty = 63

func (Majority) Name() string           { return "majority" }
func (Majority) V() int                 { return 64 }
func (Majority) Classes() int           { return 63 }
func (Majority) SeqLen(L int) int       { return L + 1 }
func (m Majority) Validate(L int) error { return needLength(m.Name(), L) }

// Row writes L tokens drawn from rng, EMPTY, and the most frequent token.
func (m Majority) Row(tokens, targets []int32, L int, rng *rand.Rand) {
	checkRow(m, tokens, targets, L)
	majorityTokens(tokens, L, rng)
	m.Oracle(targets, tokens, L)
}

// Oracle counts every token and takes the largest count, ties to the
// larger id.
func (m Majority) Oracle(pred, tokens []int32, L int) {
	tok, _ := mostFrequent(tokens[:L])
	readOut(pred, tok)
}

// majorityTokens writes L tokens uniform in 0..62 and EMPTY.
func majorityTokens(tokens []int32, L int, rng *rand.Rand) {
	for i := range L {
		tokens[i] = int32(rng.IntN(MajorityEmpty))
	}
	tokens[L] = MajorityEmpty
}

// mostFrequent returns the most frequent of xs (each in 0..62), ties to
// the larger id, and its count.
func mostFrequent(xs []int32) (tok int32, count int) {
	var n [MajorityEmpty]int
	for _, x := range xs {
		n[x]++
	}
	for v := range n {
		if n[v] >= count {
			tok, count = int32(v), n[v]
		}
	}
	return tok, count
}
