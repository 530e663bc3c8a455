package tasks

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestLayoutCopyRowWorkedExample(t *testing.T) {
	// The package doc's example: T = 10, K = 3, data 7 3 12 at 1 4 5.
	tokens, targets := make([]int32, 10), make([]int32, 10)
	layoutCopyRow(tokens, targets, []int{1, 4, 5}, []int32{7, 3, 12})
	wantTok := []int32{15, 7, 15, 15, 3, 12, 15, 0, 0, 0}
	wantTgt := []int32{-1, -1, -1, -1, -1, -1, -1, 7, 3, 12}
	if !slices.Equal(tokens, wantTok) {
		t.Errorf("tokens = %v, want %v", tokens, wantTok)
	}
	if !slices.Equal(targets, wantTgt) {
		t.Errorf("targets = %v, want %v", targets, wantTgt)
	}
}

// checkCopyRow asserts the selective-copying invariants of one row.
func checkCopyRow(t *testing.T, tokens, targets []int32, K int) {
	t.Helper()
	T := len(tokens)
	var data []int32
	last := -1
	for p := 0; p < T-K; p++ {
		switch tok := tokens[p]; {
		case tok == CopyBlank:
		case tok >= 1 && tok <= 14:
			if p <= last {
				t.Fatalf("data positions not increasing at %d", p)
			}
			last = p
			data = append(data, tok)
		default:
			t.Fatalf("token %d at position %d of the blank region", tok, p)
		}
		if targets[p] != Ignore {
			t.Fatalf("target %d at %d, want -1", targets[p], p)
		}
	}
	if len(data) != K {
		t.Fatalf("%d data tokens, want %d (row %v)", len(data), K, tokens)
	}
	for j := range K {
		if tokens[T-K+j] != CopyMarker {
			t.Fatalf("position %d holds %d, want marker", T-K+j, tokens[T-K+j])
		}
		if targets[T-K+j] != data[j] {
			t.Fatalf("target at %d = %d, want data[%d] = %d", T-K+j, targets[T-K+j], j, data[j])
		}
	}
	counted := 0
	for _, tg := range targets {
		if tg != Ignore {
			counted++
		}
	}
	if counted != K {
		t.Fatalf("counted %d targets, want %d", counted, K)
	}
}

func TestSelectiveCopyFillInvariants(t *testing.T) {
	for _, s := range []SelectiveCopy{{T: 2, K: 1}, {T: 10, K: 3}, {T: 8, K: 4}, {T: 64, K: 16}, {T: 4096, K: 16}} {
		b := NewBatch(5, s.T)
		s.Fill(b, rand.New(rand.NewPCG(1, 2)))
		for r := range b.B {
			checkCopyRow(t, b.Tokens[r*s.T:(r+1)*s.T], b.Targets[r*s.T:(r+1)*s.T], s.K)
		}
	}
}

func TestSelectiveCopyFullDensity(t *testing.T) {
	// 2K = T: the blank region is all data, so no blank may appear.
	s := SelectiveCopy{T: 8, K: 4}
	b := NewBatch(3, 8)
	s.Fill(b, rand.New(rand.NewPCG(9, 9)))
	for i, tok := range b.Tokens {
		if tok == CopyBlank {
			t.Fatalf("blank at %d in a full-density batch %v", i, b.Tokens)
		}
	}
}

func TestSelectiveCopyDeterminism(t *testing.T) {
	s := SelectiveCopy{T: 64, K: 8}
	fill := func(seed uint64) *Batch {
		b := NewBatch(4, 64)
		s.Fill(b, rand.New(rand.NewPCG(seed, 0)))
		return b
	}
	a, b, c := fill(7), fill(7), fill(8)
	if !slices.Equal(a.Tokens, b.Tokens) || !slices.Equal(a.Targets, b.Targets) {
		t.Error("same seed gave different batches")
	}
	if slices.Equal(a.Tokens, c.Tokens) {
		t.Error("seeds 7 and 8 gave the same batch")
	}
}

func TestSortedSampleUniform(t *testing.T) {
	// K = 2 of n = 4: 6 subsets, each should come up ~1/6 of the time.
	rng := rand.New(rand.NewPCG(3, 4))
	count := map[[2]int]int{}
	pos := make([]int, 2)
	const draws = 6000
	for range draws {
		sortedSample(pos, 4, rng)
		count[[2]int{pos[0], pos[1]}]++
	}
	if len(count) != 6 {
		t.Fatalf("saw %d subsets, want 6: %v", len(count), count)
	}
	for k, n := range count {
		if k[0] >= k[1] || n < 850 || n > 1150 { // ±5σ around 1000
			t.Errorf("subset %v drawn %d times of %d", k, n, draws)
		}
	}
}

func TestSelectiveCopyDataTokensCoverRange(t *testing.T) {
	s := SelectiveCopy{T: 200, K: 100}
	b := NewBatch(2, 200)
	s.Fill(b, rand.New(rand.NewPCG(5, 5)))
	seen := map[int32]bool{}
	for i, tg := range b.Targets {
		if tg >= 0 {
			seen[tg] = true
		} else if i%200 >= 100 {
			t.Fatalf("ignored target in the marker region at %d", i)
		}
	}
	for tok := int32(1); tok <= 14; tok++ {
		if !seen[tok] {
			t.Errorf("data token %d never drawn in 200 draws", tok)
		}
	}
	if seen[0] || seen[15] {
		t.Errorf("marker or blank drawn as data: %v", seen)
	}
}

func TestSelectiveCopyValidate(t *testing.T) {
	cases := []struct {
		T, K int
		msg  string // "" = valid
	}{
		{2, 1, ""},
		{64, 32, ""},
		{4096, 16, ""},
		{64, 33, "--copy-tokens 33 does not fit --seq-len 64: need 1 ≤ copy-tokens ≤ seq-len/2 = 32"},
		{64, 40, "--copy-tokens 40 does not fit --seq-len 64: need 1 ≤ copy-tokens ≤ seq-len/2 = 32"},
		{65, 33, "--copy-tokens 33 does not fit --seq-len 65: need 1 ≤ copy-tokens ≤ seq-len/2 = 32"},
		{64, 0, "--copy-tokens 0 does not fit --seq-len 64: need 1 ≤ copy-tokens ≤ seq-len/2 = 32"},
		{3, 2, "--copy-tokens 2 does not fit --seq-len 3: need 1 ≤ copy-tokens ≤ seq-len/2 = 1"},
		{1, 1, "--seq-len 1 is too short for selective copying: need seq-len ≥ 2"},
		{0, 0, "--seq-len 0 is too short for selective copying: need seq-len ≥ 2"},
	}
	for _, c := range cases {
		err := SelectiveCopy{T: c.T, K: c.K}.Validate()
		switch {
		case c.msg == "" && err != nil:
			t.Errorf("T=%d K=%d: unexpected error %v", c.T, c.K, err)
		case c.msg != "" && (err == nil || err.Error() != c.msg):
			t.Errorf("T=%d K=%d: error %v, want %q", c.T, c.K, err, c.msg)
		case c.msg != "" && !errors.Is(err, ErrConfig):
			t.Errorf("T=%d K=%d: error does not wrap ErrConfig", c.T, c.K)
		}
	}
}

func TestSelectiveCopyFillPanics(t *testing.T) {
	mustPanic(t, "T mismatch", func() { SelectiveCopy{T: 8, K: 2}.Fill(NewBatch(1, 9), rand.New(rand.NewPCG(1, 1))) })
	mustPanic(t, "invalid", func() { SelectiveCopy{T: 8, K: 5}.Fill(NewBatch(1, 8), rand.New(rand.NewPCG(1, 1))) })
}

func mustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", name)
		}
	}()
	f()
}

func TestCopyAccuracy(t *testing.T) {
	// 3 rows, T = 4, K = 2 counted positions per row (plus a fully ignored row).
	targets := []int32{
		-1, -1, 5, 6, // row 0: both right
		-1, -1, 7, 8, // row 1: one right, one wrong
		-1, -1, 9, 1, // row 2: both wrong
		-1, -1, -1, -1, // row 3: nothing counted, excluded from seqAcc
	}
	pred := []int32{
		0, 0, 5, 6,
		7, 8, 7, 0, // predictions at ignored positions don't count
		9, 1, 1, 9,
		1, 2, 3, 4,
	}
	tok, seq := CopyAccuracy(pred, targets, 4, 4)
	if tok != 3.0/6 || seq != 1.0/3 {
		t.Errorf("CopyAccuracy = %v, %v; want 0.5, 1/3", tok, seq)
	}
	if tok, seq := CopyAccuracy(targets, targets, 4, 4); tok != 1 || seq != 1 {
		t.Errorf("perfect prediction = %v, %v; want 1, 1", tok, seq)
	}
	if tok, seq := CopyAccuracy(pred[12:], targets[12:], 1, 4); tok != 0 || seq != 0 {
		t.Errorf("nothing counted = %v, %v; want 0, 0", tok, seq)
	}
	mustPanic(t, "short pred", func() { CopyAccuracy(pred[:3], targets, 4, 4) })
}
