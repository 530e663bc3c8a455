package tasks

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// rampCorpus has Train = Val = 0, 1, ..., n−1, so a window's ids tell its start.
func rampCorpus(n int) *Corpus {
	c := &Corpus{Vocab: make([]byte, n), Train: make([]int32, n), Val: make([]int32, n)}
	for i := range n {
		c.Vocab[i], c.Train[i], c.Val[i] = byte(i), int32(i), int32(i)
	}
	return c
}

// windowStarts checks every row of b is a window of the ramp (tokens s..s+T−1,
// targets s+1..s+T) and returns the starts.
func windowStarts(t *testing.T, b *Batch) []int {
	t.Helper()
	var starts []int
	for r := range b.B {
		s := int(b.Tokens[r*b.T])
		for i := range b.T {
			if b.Tokens[r*b.T+i] != int32(s+i) || b.Targets[r*b.T+i] != int32(s+i+1) {
				t.Fatalf("row %d is not a window: tokens %v targets %v", r,
					b.Tokens[r*b.T:(r+1)*b.T], b.Targets[r*b.T:(r+1)*b.T])
			}
		}
		starts = append(starts, s)
	}
	return starts
}

func TestTrainBatchWindows(t *testing.T) {
	// 12 ids, T = 3: starts 0..8 (window 8..11 is the last that fits).
	c := rampCorpus(12)
	b := NewBatch(500, 3)
	c.TrainBatch(b, rand.New(rand.NewPCG(1, 1)))
	seen := map[int]bool{}
	for _, s := range windowStarts(t, b) {
		seen[s] = true
	}
	for s := range 9 {
		if !seen[s] {
			t.Errorf("start %d never drawn in 500 rows", s)
		}
	}
	if len(seen) != 9 {
		t.Errorf("starts drawn: %v, want exactly 0..8", seen)
	}
	mustPanic(t, "window too long", func() { c.TrainBatch(NewBatch(1, 12), rand.New(rand.NewPCG(1, 1))) })
}

func TestValBatchesSeeded(t *testing.T) {
	c := rampCorpus(40)
	a, b, d := c.ValBatches(4, 5, 3, 7), c.ValBatches(4, 5, 3, 7), c.ValBatches(4, 5, 3, 8)
	if len(a) != 3 {
		t.Fatalf("%d batches, want 3", len(a))
	}
	same, differ := true, false
	for i := range a {
		if a[i].B != 4 || a[i].T != 5 {
			t.Fatalf("batch %d is [%d, %d], want [4, 5]", i, a[i].B, a[i].T)
		}
		windowStarts(t, a[i])
		same = same && slices.Equal(a[i].Tokens, b[i].Tokens) && slices.Equal(a[i].Targets, b[i].Targets)
		differ = differ || !slices.Equal(a[i].Tokens, d[i].Tokens)
	}
	if !same {
		t.Error("seed 7 gave two different validation sets")
	}
	if !differ {
		t.Error("seeds 7 and 8 gave the same validation set")
	}
}

func TestValFullHandWorked(t *testing.T) {
	// Val = 0..10: 10 predicted positions, T = 3 → 4 windows, B = 2 → 2 batches.
	c := rampCorpus(11)
	got := c.ValFull(2, 3)
	want := []Batch{
		{Tokens: []int32{0, 1, 2, 3, 4, 5}, Targets: []int32{1, 2, 3, 4, 5, 6}},
		{Tokens: []int32{6, 7, 8, 9, 0, 0}, Targets: []int32{7, 8, 9, 10, -1, -1}},
	}
	if len(got) != len(want) {
		t.Fatalf("%d batches, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].B != 2 || got[i].T != 3 || !slices.Equal(got[i].Tokens, want[i].Tokens) || !slices.Equal(got[i].Targets, want[i].Targets) {
			t.Errorf("batch %d = %+v, want %+v", i, *got[i], want[i])
		}
	}
	// B = 3: the second batch holds window 3 and two padding rows.
	got = c.ValFull(3, 3)
	if len(got) != 2 || !slices.Equal(got[1].Targets, []int32{10, -1, -1, -1, -1, -1, -1, -1, -1}) {
		t.Errorf("B=3 last batch targets = %v", got[len(got)-1].Targets)
	}
}

func TestValFullCoversValOnce(t *testing.T) {
	for _, n := range []int{2, 3, 10, 11, 12, 97} {
		for _, BT := range [][2]int{{1, 1}, {2, 3}, {4, 5}, {3, 200}} {
			c := rampCorpus(n)
			var targets []int32
			for _, b := range c.ValFull(BT[0], BT[1]) {
				for i, tg := range b.Targets {
					if tg >= 0 {
						targets = append(targets, tg)
						if b.Tokens[i] != tg-1 {
							t.Fatalf("n=%d B,T=%v: token %d before target %d", n, BT, b.Tokens[i], tg)
						}
					}
				}
			}
			if !slices.Equal(targets, c.Val[1:]) {
				t.Errorf("n=%d B,T=%v: targets %v, want Val[1:]", n, BT, targets)
			}
		}
	}
	if got := rampCorpus(1).ValFull(2, 2); got != nil {
		t.Errorf("ValFull of 1 id = %v, want nil", got)
	}
}
