package tasks

import "math/rand/v2"

// MissingDuplicate is missing_duplicate of the minRNNs code
// (data/missing_duplicate.py): V = 10, tokens 0..8, EMPTY = 9. A row of
// input length L is L random tokens x, then the prefix x[:m] repeated, then
// EMPTY, with m uniform in 0..L−1; the one scored target, at the EMPTY
// (position L+m), is x[m], the first token the repeat is missing. Nine
// classes, chance 1/9.
//
// The official code draws one m per batch, so a batch's rows share one
// length L+m+1. Here m is drawn per row and every row is padded after the
// read-out with EMPTY tokens (targets ignored) to T = 2L, so that a batch
// has one T. All models here are causal, so what a model computes at or
// before the read-out is the same as without padding. Worked example,
// L = 4, m = 2:
//
//	position  0  1  2  3  4  5  6  7
//	tokens    3  8  0  3  3  8  9  9
//	targets  -1 -1 -1 -1 -1 -1  0 -1
type MissingDuplicate struct{}

// MissingDuplicateEmpty is missing-duplicate's query (and padding) token.
const MissingDuplicateEmpty = 9

func (MissingDuplicate) Name() string           { return "missing-duplicate" }
func (MissingDuplicate) V() int                 { return 10 }
func (MissingDuplicate) Classes() int           { return 9 }
func (MissingDuplicate) SeqLen(L int) int       { return 2 * L }
func (d MissingDuplicate) Validate(L int) error { return needLength(d.Name(), L) }

// Row writes L tokens drawn from rng, then m uniform in 0..L−1, and lays
// the row out with layoutMissingDuplicate.
func (d MissingDuplicate) Row(tokens, targets []int32, L int, rng *rand.Rand) {
	checkRow(d, tokens, targets, L)
	for i := range L {
		tokens[i] = int32(rng.IntN(MissingDuplicateEmpty))
	}
	layoutMissingDuplicate(tokens, L, rng.IntN(L))
	d.Oracle(targets, tokens, L)
}

// layoutMissingDuplicate writes, after the L data tokens of tokens: [2L],
// the prefix of length m, EMPTY and EMPTY padding.
func layoutMissingDuplicate(tokens []int32, L, m int) {
	copy(tokens[L:], tokens[:m])
	for i := L + m; i < 2*L; i++ {
		tokens[i] = MissingDuplicateEmpty
	}
}

// Oracle finds the read-out, the first EMPTY after the data (position L+m),
// and answers x[m].
func (d MissingDuplicate) Oracle(pred, tokens []int32, L int) {
	for i := range pred {
		pred[i] = Ignore
	}
	for p := L; p < 2*L; p++ {
		if tokens[p] == MissingDuplicateEmpty {
			pred[p] = tokens[p-L]
			return
		}
	}
}
