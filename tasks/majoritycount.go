package tasks

import "math/rand/v2"

// MajorityCount is majority_count of the minRNNs code
// (data/majority_count.py): V = 64, tokens 0..62, EMPTY = 63. A row of
// input length L is L random tokens then EMPTY (T = L+1); the one scored
// target, at the last position, is how often the most frequent token
// occurs, clamped to 63 so that it is a class of the 64-way head
// (MajorityCountMax). The official code does not clamp; at L ≤ 256 a count
// above 63 has probability below 10⁻³⁰, so the clamp never binds in the
// default settings. 64 classes (0..63; 0 never occurs), chance 1/64 (a
// uniform guess; a constant guess does far better, since counts cluster
// at 2..6). Worked example, L = 6 (5 and 9 appear twice):
//
//	position  0  1  2  3  4  5  6
//	tokens    5  9  1  5  9  0 63
//	targets  -1 -1 -1 -1 -1 -1  2
type MajorityCount struct{}

// MajorityCountMax is the clamp of majority-count's target.
const MajorityCountMax = 63

func (MajorityCount) Name() string           { return "majority-count" }
func (MajorityCount) V() int                 { return 64 }
func (MajorityCount) Classes() int           { return 64 }
func (MajorityCount) SeqLen(L int) int       { return L + 1 }
func (m MajorityCount) Validate(L int) error { return needLength(m.Name(), L) }

// Row writes L tokens drawn from rng, EMPTY, and the clamped count.
func (m MajorityCount) Row(tokens, targets []int32, L int, rng *rand.Rand) {
	checkRow(m, tokens, targets, L)
	majorityTokens(tokens, L, rng)
	m.Oracle(targets, tokens, L)
}

// Oracle counts every token and takes the largest count, clamped.
func (m MajorityCount) Oracle(pred, tokens []int32, L int) {
	_, n := mostFrequent(tokens[:L])
	readOut(pred, int32(min(n, MajorityCountMax)))
}
