package tasks

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// formalGens are every Generator with the input lengths it is tested at.
var formalGens = []struct {
	g  Generator
	Ls []int
}{
	{Parity{}, []int{1, 2, 7, 40, 64, 256}},
	{EvenPairs{}, []int{1, 2, 7, 40, 64, 256}},
	{CycleNav{}, []int{1, 2, 7, 40, 64, 256}},
	{BucketSort{}, []int{1, 2, 7, 40, 64, 256}},
	{Majority{}, []int{1, 2, 7, 40, 64, 256}},
	{MajorityCount{}, []int{1, 2, 7, 40, 64, 256}},
	{MissingDuplicate{}, []int{1, 2, 7, 40, 64, 256}},
	{MQAR{Pairs: 4, Vocab: 128}, []int{16, 64}},
	{MQAR{Pairs: 16, Vocab: 8192}, []int{256}},
}

// TestWorkedExamples checks each task's doc-comment example: the targets
// its Oracle gives for the example's tokens, by hand.
func TestWorkedExamples(t *testing.T) {
	cases := []struct {
		g               Generator
		L               int
		tokens, targets []int32
	}{
		{Parity{}, 5, []int32{1, 0, 1, 1, 0, 2}, []int32{-1, -1, -1, -1, -1, 1}},
		{EvenPairs{}, 5, []int32{0, 1, 0, 0, 0, 2}, []int32{-1, -1, -1, -1, -1, 0}},
		{CycleNav{}, 4, []int32{2, 2, 1, 0, 3}, []int32{-1, -1, -1, -1, 1}},
		{BucketSort{}, 4, []int32{7, 2, 9, 2, 10, 10, 10, 10}, []int32{-1, -1, -1, -1, 2, 2, 7, 9}},
		{Majority{}, 6, []int32{5, 9, 1, 5, 9, 0, 63}, []int32{-1, -1, -1, -1, -1, -1, 9}},
		{MajorityCount{}, 6, []int32{5, 9, 1, 5, 9, 0, 63}, []int32{-1, -1, -1, -1, -1, -1, 2}},
		{MissingDuplicate{}, 4, []int32{3, 8, 0, 3, 3, 8, 9, 9}, []int32{-1, -1, -1, -1, -1, -1, 0, -1}},
		{MQAR{Pairs: 2, Vocab: 16}, 12, []int32{3, 12, 5, 9, 5, 7, 3, 0, 14, 2, 11, 8}, []int32{-1, -1, -1, -1, 9, -1, 12, -1, -1, -1, -1, -1}},
	}
	for _, c := range cases {
		if err := c.g.Validate(c.L); err != nil {
			t.Fatalf("%s: %v", c.g.Name(), err)
		}
		if len(c.tokens) != c.g.SeqLen(c.L) {
			t.Fatalf("%s: example has %d tokens, SeqLen(%d) = %d", c.g.Name(), len(c.tokens), c.L, c.g.SeqLen(c.L))
		}
		pred := make([]int32, len(c.tokens))
		c.g.Oracle(pred, c.tokens, c.L)
		if !slices.Equal(pred, c.targets) {
			t.Errorf("%s: oracle targets %v, want %v", c.g.Name(), pred, c.targets)
		}
	}
}

func TestMissingDuplicateLayout(t *testing.T) {
	// The doc example: x = 3 8 0 3, m = 2.
	tokens := []int32{3, 8, 0, 3, 0, 0, 0, 0}
	layoutMissingDuplicate(tokens, 4, 2)
	if want := []int32{3, 8, 0, 3, 3, 8, 9, 9}; !slices.Equal(tokens, want) {
		t.Errorf("tokens %v, want %v", tokens, want)
	}
}

func TestMQARLayout(t *testing.T) {
	// The doc example: keys 3, 5, values 12, 9, gaps 1, 0, fillers already in place.
	tokens := []int32{0, 0, 0, 0, 0, 7, 0, 0, 14, 2, 11, 8}
	targets := make([]int32, 12)
	layoutMQAR(tokens, targets, []int32{3, 5}, []int32{12, 9}, []int{1, 0})
	if want := []int32{3, 12, 5, 9, 5, 7, 3, 0, 14, 2, 11, 8}; !slices.Equal(tokens, want) {
		t.Errorf("tokens %v, want %v", tokens, want)
	}
	if want := []int32{-1, -1, -1, -1, 9, -1, 12, -1, -1, -1, -1, -1}; !slices.Equal(targets, want) {
		t.Errorf("targets %v, want %v", targets, want)
	}
}

// reference computes the answer of each read-out task from the input
// tokens x by a second method, independent of the Oracles.
func reference(name string, x []int32) int32 {
	switch name {
	case "parity":
		var p int32
		for _, b := range x {
			p ^= b
		}
		return p
	case "even-pairs":
		if len(x) == 0 || x[0] == x[len(x)-1] { // #changes is even iff the ends agree
			return 0
		}
		return 1
	case "cycle-nav":
		s := 0
		for _, a := range x {
			s += int(a) - 1
		}
		return int32(((s % 5) + 5) % 5)
	case "majority", "majority-count":
		s := slices.Clone(x)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		best, bestN := int32(-1), 0
		for i := 0; i < len(s); {
			j := i
			for j < len(s) && s[j] == s[i] {
				j++
			}
			if j-i >= bestN { // ascending ids: ≥ gives ties to the larger
				best, bestN = s[i], j-i
			}
			i = j
		}
		if name == "majority" {
			return best
		}
		return int32(min(bestN, 63))
	}
	panic(name)
}

// TestRowsInvariants draws rows at every tested length and checks tokens
// are in range, the query layout is in place, and the scored targets agree
// with an independent reference (or, for the multi-target tasks, with a
// direct check).
func TestRowsInvariants(t *testing.T) {
	for _, c := range formalGens {
		g := c.g
		rng := rand.New(rand.NewPCG(7, 11))
		for _, L := range c.Ls {
			T := g.SeqLen(L)
			b := NewBatch(50, T)
			FillLength(g, b, L, rng)
			for r := range b.B {
				tok, tgt := b.Tokens[r*T:(r+1)*T], b.Targets[r*T:(r+1)*T]
				for i, x := range tok {
					if x < 0 || int(x) >= g.V() {
						t.Fatalf("%s L=%d: token %d at %d outside 0..V-1", g.Name(), L, x, i)
					}
				}
				for i, y := range tgt {
					if y != Ignore && (y < 0 || int(y) >= g.V()) {
						t.Fatalf("%s L=%d: target %d at %d outside the vocabulary", g.Name(), L, y, i)
					}
				}
				checkRowByHand(t, g, tok, tgt, L)
			}
		}
	}
}

func checkRowByHand(t *testing.T, g Generator, tok, tgt []int32, L int) {
	t.Helper()
	scored := func() []int {
		var p []int
		for i, y := range tgt {
			if y != Ignore {
				p = append(p, i)
			}
		}
		return p
	}()
	switch g := g.(type) {
	case Parity, EvenPairs, CycleNav, Majority, MajorityCount:
		empty := int32(g.V() - 1)
		if _, ok := g.(CycleNav); ok {
			empty = CycleNavEmpty
		}
		if tok[L] != empty || len(scored) != 1 || scored[0] != L {
			t.Fatalf("%s L=%d: want EMPTY and the only target at %d, row %v / %v", g.Name(), L, L, tok, tgt)
		}
		for _, x := range tok[:L] {
			if x == empty {
				t.Fatalf("%s: EMPTY inside the data", g.Name())
			}
		}
		if want := reference(g.Name(), tok[:L]); tgt[L] != want {
			t.Fatalf("%s L=%d: target %d, reference %d, row %v", g.Name(), L, tgt[L], want, tok)
		}
	case BucketSort:
		if len(scored) != L || scored[0] != L {
			t.Fatalf("bucket-sort L=%d: scored %v", L, scored)
		}
		var count [10]int
		for i := range L {
			count[tok[i]]++
			count[tgt[L+i]]--
			if tok[L+i] != BucketSortEmpty || (i > 0 && tgt[L+i] < tgt[L+i-1]) {
				t.Fatalf("bucket-sort: row %v / %v", tok, tgt)
			}
		}
		if count != [10]int{} {
			t.Fatalf("bucket-sort: targets are not a permutation of the input: %v / %v", tok, tgt)
		}
	case MissingDuplicate:
		if len(scored) != 1 {
			t.Fatalf("missing-duplicate: scored %v", scored)
		}
		m := scored[0] - L
		if m < 0 || m >= L || !slices.Equal(tok[L:L+m], tok[:m]) || tgt[L+m] != tok[m] {
			t.Fatalf("missing-duplicate L=%d m=%d: row %v / %v", L, m, tok, tgt)
		}
		for i := L + m; i < 2*L; i++ {
			if tok[i] != MissingDuplicateEmpty {
				t.Fatalf("missing-duplicate: no EMPTY at %d: %v", i, tok)
			}
		}
	case MQAR:
		if len(scored) != g.Pairs {
			t.Fatalf("mqar: %d scored positions, want %d", len(scored), g.Pairs)
		}
		half := int32(g.Vocab / 2)
		val := map[int32]int32{}
		for j := 0; j < g.Pairs; j++ {
			k, v := tok[2*j], tok[2*j+1]
			if k < 1 || k >= half || v < half {
				t.Fatalf("mqar: pair %d = (%d, %d) out of range", j, k, v)
			}
			if _, dup := val[k]; dup {
				t.Fatalf("mqar: key %d twice in the context", k)
			}
			val[k] = v
		}
		seen := map[int32]bool{}
		for _, p := range scored {
			if p < 2*g.Pairs || (p-2*g.Pairs)%2 != 0 || val[tok[p]] != tgt[p] || seen[tok[p]] {
				t.Fatalf("mqar: bad query at %d: row %v / %v", p, tok, tgt)
			}
			seen[tok[p]] = true
		}
	default:
		t.Fatalf("no hand check for %s", g.Name())
	}
}

func TestDeterminism(t *testing.T) {
	for _, c := range formalGens {
		L := c.Ls[len(c.Ls)-1]
		draw := func(seed uint64) *Batch {
			b := NewBatch(8, c.g.SeqLen(L))
			FillLength(c.g, b, L, rand.New(rand.NewPCG(seed, 3)))
			return b
		}
		a, b, d := draw(1), draw(1), draw(2)
		if !slices.Equal(a.Tokens, b.Tokens) || !slices.Equal(a.Targets, b.Targets) {
			t.Errorf("%s: same seed, different batches", c.g.Name())
		}
		if slices.Equal(a.Tokens, d.Tokens) {
			t.Errorf("%s: seeds 1 and 2 give the same batch", c.g.Name())
		}
	}
}

// TestOracleAndConstantGuess: the oracle scores 100%; every constant guess
// c's accuracies sum to exactly 1 over the classes (so their mean is
// chance = 1/Classes), and on the tasks whose targets are uniform each
// constant guess scores chance within 4.5 standard errors at L ≥ 40.
func TestOracleAndConstantGuess(t *testing.T) {
	uniform := map[string]bool{"parity": true, "even-pairs": true, "cycle-nav": true, "bucket-sort": true, "missing-duplicate": true, "mqar": true}
	for _, c := range formalGens {
		g := c.g
		rng := rand.New(rand.NewPCG(5, 9))
		for _, L := range c.Ls {
			b := NewBatch(max(300, 40000/g.SeqLen(L)), g.SeqLen(L))
			FillLength(g, b, L, rng)
			if acc, n := Accuracy(OracleBatch(g, b, L), b.Targets); acc != 1 || n == 0 {
				t.Errorf("%s L=%d: oracle accuracy %v over %d", g.Name(), L, acc, n)
			}
			pred := make([]int32, len(b.Targets))
			sum, chance := 0.0, Chance(g)
			for k := range g.V() {
				for i := range pred {
					pred[i] = int32(k)
				}
				acc, n := Accuracy(pred, b.Targets)
				sum += acc
				inClass := k < g.Classes()
				if q, ok := g.(MQAR); ok {
					inClass = k >= q.Vocab/2
				}
				se := math.Sqrt(chance * (1 - chance) / float64(n))
				// bucket-sort positions are correlated within a row: widen by √L.
				if _, ok := g.(BucketSort); ok {
					se *= math.Sqrt(float64(L))
				}
				// Targets are uniform only once L is long enough (cycle-nav at
				// L = 1 reaches 3 positions): check at the evaluation lengths, where
				// each class is expected at least 20 times.
				if uniform[g.Name()] && L >= 40 && float64(n)*chance >= 20 && inClass && math.Abs(acc-chance) > 4.5*se+1e-12 {
					t.Errorf("%s L=%d: constant guess %d scores %.4f, chance %.4f (se %.4f)", g.Name(), L, k, acc, chance, se)
				}
				if uniform[g.Name()] && !inClass && acc != 0 {
					t.Errorf("%s L=%d: constant guess %d (not a class) scores %.4f", g.Name(), L, k, acc)
				}
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("%s L=%d: constant-guess accuracies sum to %v, want 1", g.Name(), L, sum)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	if err := (Parity{}).Validate(0); err == nil {
		t.Error("parity accepted L = 0")
	}
	bad := []struct {
		q MQAR
		T int
	}{{MQAR{Pairs: 0, Vocab: 128}, 64}, {MQAR{Pairs: 4, Vocab: 64}, 64}, {MQAR{Pairs: 4, Vocab: 128}, 63}, {MQAR{Pairs: 20, Vocab: 128}, 64}, {MQAR{Pairs: 64, Vocab: 128}, 126}}
	for _, c := range bad {
		if err := c.q.Validate(c.T); err == nil {
			t.Errorf("mqar %+v accepted T=%d", c.q, c.T)
		}
	}
	for _, s := range MQARSettings {
		if err := (MQAR{Pairs: s.Pairs, Vocab: 8192}).Validate(s.T); err != nil {
			t.Errorf("zoology setting %s refused: %v", s.Name, err)
		}
	}
}

func TestPowerLawGaps(t *testing.T) {
	// Distinct, in range, and early gaps are favoured: with a = 0.01 gap 0
	// has weight 1 and gap g ≈ 1/(g+1), so gap 0 is among the draws far more
	// often than gap n−1.
	rng := rand.New(rand.NewPCG(1, 1))
	first, last := 0, 0
	for range 2000 {
		gaps := powerLawGaps(4, 28, rng)
		seen := map[int]bool{}
		for _, g := range gaps {
			if g < 0 || g >= 28 || seen[g] {
				t.Fatalf("gaps %v", gaps)
			}
			seen[g] = true
		}
		if seen[0] {
			first++
		}
		if seen[27] {
			last++
		}
	}
	if first < 5*last {
		t.Errorf("gap 0 drawn %d times, gap 27 %d times: no power law", first, last)
	}
	if gaps := powerLawGaps(5, 5, rng); len(gaps) != 5 {
		t.Errorf("all slots: %v", gaps)
	}
}

func TestScaled(t *testing.T) {
	if s := Scaled(0.5, 0.5); s != 0 {
		t.Errorf("Scaled at chance = %v", s)
	}
	if s := Scaled(1, 0.2); s != 1 {
		t.Errorf("Scaled perfect = %v", s)
	}
	if s := Scaled(0.6, 0.2); math.Abs(s-0.5) > 1e-12 {
		t.Errorf("Scaled(0.6, 0.2) = %v, want 0.5", s)
	}
}
