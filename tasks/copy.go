package tasks

import "math/rand/v2"

// Selective-copying vocabulary: 16 tokens, marker 0, blank 15, data 1..14.
const (
	CopyVocab  = 16
	CopyMarker = 0
	CopyBlank  = 15
)

// SelectiveCopy is the selective-copying task (see the package doc for the
// layout). T is the total model input length, K the number of data tokens
// to copy. The vocabulary is fixed at CopyVocab.
type SelectiveCopy struct {
	T, K int
}

// Validate reports whether s can be laid out: T ≥ 2 and 1 ≤ K ≤ T/2. The
// error wraps ErrConfig and names the flags --seq-len and --copy-tokens.
func (s SelectiveCopy) Validate() error {
	if s.T < 2 {
		return errorf(ErrConfig, "--seq-len %d is too short for selective copying: need seq-len ≥ 2", s.T)
	}
	if s.K < 1 || 2*s.K > s.T {
		return errorf(ErrConfig, "--copy-tokens %d does not fit --seq-len %d: need 1 ≤ copy-tokens ≤ seq-len/2 = %d",
			s.K, s.T, s.T/2)
	}
	return nil
}

// Fill writes b.B fresh rows drawn from rng into b. It panics if s is
// invalid (call Validate first) or b.T != s.T.
func (s SelectiveCopy) Fill(b *Batch, rng *rand.Rand) {
	if err := s.Validate(); err != nil {
		panic("tasks: SelectiveCopy.Fill: " + err.Error())
	}
	if b.T != s.T || len(b.Tokens) != b.B*b.T || len(b.Targets) != b.B*b.T {
		panic("tasks: SelectiveCopy.Fill: batch shape does not match the task")
	}
	pos := make([]int, s.K)
	data := make([]int32, s.K)
	for r := 0; r < b.B; r++ {
		sortedSample(pos, s.T-s.K, rng)
		for j := range data {
			data[j] = 1 + int32(rng.IntN(CopyVocab-2)) // 1..14
		}
		lo, hi := r*s.T, (r+1)*s.T
		layoutCopyRow(b.Tokens[lo:hi], b.Targets[lo:hi], pos, data)
	}
}

// sortedSample fills pos with len(pos) distinct integers from [0, n) in
// increasing order, each subset equally likely (Knuth's selection sampling,
// Algorithm S): O(n) time, no allocation.
func sortedSample(pos []int, n int, rng *rand.Rand) {
	need := len(pos)
	for i := 0; need > 0; i++ {
		// Choose i with probability need/(n−i).
		if rng.IntN(n-i) < need {
			pos[len(pos)-need] = i
			need--
		}
	}
}

// layoutCopyRow writes one row. tokens, targets: [T]; pos: [K] sorted
// distinct positions in [0, T−K); data: [K] tokens in 1..14.
func layoutCopyRow(tokens, targets []int32, pos []int, data []int32) {
	T, K := len(tokens), len(data)
	for t := range tokens {
		tokens[t] = CopyBlank
		targets[t] = Ignore
	}
	for j, p := range pos {
		tokens[p] = data[j]
	}
	for j := range K {
		tokens[T-K+j] = CopyMarker
		targets[T-K+j] = data[j]
	}
}

// CopyAccuracy returns per-token accuracy and exact-sequence match rate
// over the counted (target ≥ 0) positions. pred, targets: [B, T].
// tokenAcc = correct / counted positions; seqAcc = rows whose counted
// positions are all correct / rows with at least one counted position.
// Both are 0 when nothing is counted. It panics if a length is not B·T.
func CopyAccuracy(pred, targets []int32, B, T int) (tokenAcc, seqAcc float64) {
	if len(pred) != B*T || len(targets) != B*T {
		panic("tasks: CopyAccuracy: pred and targets must be [B, T]")
	}
	var correct, counted, rowsExact, rows int
	for r := range B {
		n, ok := 0, true
		for t := r * T; t < (r+1)*T; t++ {
			if targets[t] < 0 {
				continue
			}
			n++
			if pred[t] == targets[t] {
				correct++
			} else {
				ok = false
			}
		}
		if n > 0 {
			counted += n
			rows++
			if ok {
				rowsExact++
			}
		}
	}
	if counted > 0 {
		tokenAcc = float64(correct) / float64(counted)
		seqAcc = float64(rowsExact) / float64(rows)
	}
	return tokenAcc, seqAcc
}
