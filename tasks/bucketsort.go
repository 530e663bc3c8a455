package tasks

import (
	"math/rand/v2"
	"slices"
)

// BucketSort is bucket_sort of the minRNNs code (data/bucket_sort.py):
// V = 11, tokens 0..9, EMPTY = 10. A row of input length L is L random
// tokens then L × EMPTY (T = 2L); the scored targets are the last L
// positions, where position L+j holds the j-th smallest token. Ten classes,
// chance 1/10. Worked example, L = 4:
//
//	position  0  1  2  3  4  5  6  7
//	tokens    7  2  9  2 10 10 10 10
//	targets  -1 -1 -1 -1  2  2  7  9
type BucketSort struct{}

// BucketSortEmpty is bucket-sort's query token.
const BucketSortEmpty = 10

func (BucketSort) Name() string           { return "bucket-sort" }
func (BucketSort) V() int                 { return 11 }
func (BucketSort) Classes() int           { return 10 }
func (BucketSort) SeqLen(L int) int       { return 2 * L }
func (s BucketSort) Validate(L int) error { return needLength(s.Name(), L) }

// Row writes L tokens drawn from rng, L × EMPTY, and the sorted tokens.
func (s BucketSort) Row(tokens, targets []int32, L int, rng *rand.Rand) {
	checkRow(s, tokens, targets, L)
	for i := range L {
		tokens[i] = int32(rng.IntN(10))
		tokens[L+i] = BucketSortEmpty
	}
	s.Oracle(targets, tokens, L)
}

// Oracle sorts the first L tokens into the last L positions.
func (s BucketSort) Oracle(pred, tokens []int32, L int) {
	for i := range L {
		pred[i] = Ignore
	}
	copy(pred[L:], tokens[:L])
	slices.Sort(pred[L:])
}
