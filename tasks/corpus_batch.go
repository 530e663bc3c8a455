package tasks

import "math/rand/v2"

// valStream is the PCG stream of ValBatches, so a seed gives different
// numbers here than in the caller's training stream.
const valStream = 0x76616c69646174 // "validat"

// TrainBatch fills b with b.B random windows of b.T+1 training ids, each
// start uniform in [0, len(Train)−b.T): row r has tokens w[0:T] and targets
// w[1:T+1]. It panics if len(Train) < b.T+1 or b's slices are not [B, T].
func (c *Corpus) TrainBatch(b *Batch, rng *rand.Rand) {
	fillWindows(b, c.Train, rng)
}

// ValBatches returns n batches [B, T] of random validation windows drawn
// from a PCG generator seeded with seed: the same seed gives the same set.
// It panics if len(Val) < T+1, B < 0, T < 1 or n < 0.
func (c *Corpus) ValBatches(B, T, n int, seed uint64) []*Batch {
	rng := rand.New(rand.NewPCG(seed, valStream))
	out := make([]*Batch, n)
	for i := range out {
		out[i] = NewBatch(B, T)
		fillWindows(out[i], c.Val, rng)
	}
	return out
}

// ValFull covers the whole validation text once: window k is Val[k·T :
// k·T+T+1] (consecutive, non-overlapping targets), row k%B of batch k/B.
// Every position of Val[1:] is a target exactly once, in order. The last
// window's tail and the unused rows of the last batch have token 0 and
// target -1. Each window is an independent sequence (no state carries
// over). It returns nil if len(Val) < 2 and panics if B < 1 or T < 1.
func (c *Corpus) ValFull(B, T int) []*Batch {
	if B < 1 || T < 1 {
		panic("tasks: ValFull: need B ≥ 1 and T ≥ 1")
	}
	if len(c.Val) < 2 {
		return nil
	}
	windows := (len(c.Val) - 1 + T - 1) / T
	out := make([]*Batch, (windows+B-1)/B)
	for i := range out {
		b := NewBatch(B, T)
		for j := range b.Targets {
			b.Targets[j] = Ignore
		}
		out[i] = b
	}
	for k := range windows {
		b := out[k/B]
		row := (k % B) * T
		start := k * T
		n := min(T, len(c.Val)-1-start) // predicted positions in this window
		copy(b.Tokens[row:row+n], c.Val[start:start+n])
		copy(b.Targets[row:row+n], c.Val[start+1:start+1+n])
	}
	return out
}

// fillWindows fills b with random windows of ids. ids must hold b.T+1.
func fillWindows(b *Batch, ids []int32, rng *rand.Rand) {
	if b.T < 1 || len(ids) < b.T+1 {
		panic("tasks: text has fewer than T+1 ids for a window")
	}
	if len(b.Tokens) != b.B*b.T || len(b.Targets) != b.B*b.T {
		panic("tasks: batch slices are not [B, T]")
	}
	for r := range b.B {
		s := rng.IntN(len(ids) - b.T)
		copy(b.Tokens[r*b.T:(r+1)*b.T], ids[s:s+b.T])
		copy(b.Targets[r*b.T:(r+1)*b.T], ids[s+1:s+1+b.T])
	}
}
