package tasks

import (
	"math"
	"math/rand/v2"
)

// MQAR is multi-query associative recall (Arora et al. 2023, "Zoology"),
// laid out as HazyResearch/zoology zoology/data/multiquery_ar.py
// (multiquery_ar with num_passes 1, random_non_queries true, power_a 0.01)
// builds it. With vocabulary V, keys are drawn from 1..V/2−1 and values
// from V/2..V−1, each without replacement within a row. A row of length T
// (the input length L: MQAR is not a length-generalisation task) is:
//
//   - the context, Pairs key–value pairs k₁ v₁ k₂ v₂ … (2·Pairs tokens);
//   - the query region, T − 2·Pairs positions: key kⱼ is placed once at
//     offset 2·gⱼ, with the gaps gⱼ distinct and drawn without replacement
//     with probability ∝ (g+1)^(a−1), a = 0.01 (a power law favouring early
//     queries), from 0 … (T − 2·Pairs)/2 − 1; every other position holds a
//     token uniform in 0..V−1.
//
// The target at the query of kⱼ is vⱼ (the model reads the key and predicts
// its value, as in zoology's next-token labels); every other target is
// ignored. Classes: the V − V/2 values; chance 1/(V − V/2). Worked example,
// V = 16, T = 12, Pairs = 2, keys 3, 5 with values 12, 9, gaps 1, 0,
// fillers 7, 0, 14, 2, 11, 8 (zoology requires V > T):
//
//	position  0  1  2  3  4  5  6  7  8  9 10 11
//	tokens    3 12  5  9  5  7  3  0 14  2 11  8
//	targets  -1 -1 -1 -1  9 -1 12 -1 -1 -1 -1 -1
//
// zoology's settings (T, Pairs) = (64, 4), (128, 8), (256, 16) at V = 8192
// are MQARSettings.
type MQAR struct {
	Pairs int // key–value pairs per row
	Vocab int // V
}

// MQARSetting is one (T, Pairs) setting of zoology's original MQAR configs
// (zoology/experiments/mqar_example_configs/original_mqar_configs.py).
type MQARSetting struct {
	Name     string
	T, Pairs int
}

// MQARSettings are zoology's (T, Pairs) settings (64, 4), (128, 8),
// (256, 16).
var MQARSettings = []MQARSetting{{"64x4", 64, 4}, {"128x8", 128, 8}, {"256x16", 256, 16}}

// mqarPowerA is zoology's power_a: the gap distribution's exponent − 1.
const mqarPowerA = 0.01

func (MQAR) Name() string           { return "mqar" }
func (q MQAR) V() int               { return q.Vocab }
func (q MQAR) Classes() int         { return q.Vocab - q.Vocab/2 }
func (MQAR) SeqLen(L int) int       { return L }
func (q MQAR) context() int         { return 2 * q.Pairs }
func (q MQAR) querySlots(T int) int { return (T - q.context()) / 2 }

// Validate checks zoology's conditions: T even, V > T, and
// 4·Pairs ≤ T (room for the pairs and one query slot per key); also
// Pairs ≥ 1 and Pairs < V/2 (enough distinct keys).
func (q MQAR) Validate(T int) error {
	switch {
	case q.Pairs < 1:
		return errorf(ErrConfig, "--pairs %d: need at least 1 key–value pair", q.Pairs)
	case q.Pairs >= q.Vocab/2:
		return errorf(ErrConfig, "--pairs %d needs more distinct keys than --vocab %d has (%d): need pairs < vocab/2", q.Pairs, q.Vocab, q.Vocab/2-1)
	case T%2 != 0:
		return errorf(ErrConfig, "mqar: --seq-len %d must be even (zoology's layout)", T)
	case 4*q.Pairs > T:
		return errorf(ErrConfig, "mqar: --seq-len %d is too short for --pairs %d: need seq-len ≥ 4·pairs = %d", T, q.Pairs, 4*q.Pairs)
	case q.Vocab <= T:
		return errorf(ErrConfig, "mqar: --vocab %d must exceed --seq-len %d (zoology's condition)", q.Vocab, T)
	}
	return nil
}

// Row draws keys, values, gaps and fillers from rng, in that order, and
// lays the row out.
func (q MQAR) Row(tokens, targets []int32, T int, rng *rand.Rand) {
	checkRow(q, tokens, targets, T)
	P, half := q.Pairs, q.Vocab/2
	keys, vals := make([]int32, P), make([]int32, P)
	distinct(keys, 1, half-1, rng)
	distinct(vals, int32(half), q.Vocab-half, rng)
	gaps := powerLawGaps(P, q.querySlots(T), rng)
	for i := range tokens {
		tokens[i] = int32(rng.IntN(q.Vocab)) // fillers (overwritten below where a pair or query goes)
	}
	layoutMQAR(tokens, targets, keys, vals, gaps)
}

// layoutMQAR writes the context pairs and the queries at 2·P + 2·gaps[j]
// over tokens: [T] (whose filler positions are already set) and the
// targets: [T].
func layoutMQAR(tokens, targets, keys, vals []int32, gaps []int) {
	ctx := 2 * len(keys)
	for i := range targets {
		targets[i] = Ignore
	}
	for j := range keys {
		tokens[2*j], tokens[2*j+1] = keys[j], vals[j]
		p := ctx + 2*gaps[j]
		tokens[p], targets[p] = keys[j], vals[j]
	}
}

// Oracle answers, at each position of the query region that holds a key of
// the context and whose offset from the region's start is even, that key's
// value. It predicts where zoology places queries; fillers that happen to
// equal a key at an even offset would also be answered, so Oracle is exact
// on the scored positions, and pred may be non-negative at a few ignored
// ones.
func (q MQAR) Oracle(pred, tokens []int32, T int) {
	ctx := q.context()
	val := map[int32]int32{}
	for j := 0; j < q.Pairs; j++ {
		val[tokens[2*j]] = tokens[2*j+1]
	}
	for i := range pred {
		pred[i] = Ignore
		if i >= ctx && (i-ctx)%2 == 0 {
			if v, ok := val[tokens[i]]; ok {
				pred[i] = v
			}
		}
	}
}

// distinct fills dst with distinct integers from lo .. lo+n−1, in random
// order (rejection; len(dst) ≪ n here).
func distinct(dst []int32, lo int32, n int, rng *rand.Rand) {
	for i := range dst {
	draw:
		for {
			v := lo + int32(rng.IntN(n))
			for _, u := range dst[:i] {
				if u == v {
					continue draw
				}
			}
			dst[i] = v
			break
		}
	}
}

// powerLawGaps draws k distinct gaps from 0..n−1 without replacement, gap
// g with weight (g+1)^(a−1), renormalised after each draw (as numpy's
// choice(replace=False, p=…) does).
func powerLawGaps(k, n int, rng *rand.Rand) []int {
	w := make([]float64, n)
	total := 0.0
	for g := range w {
		w[g] = math.Pow(float64(g+1), mqarPowerA-1)
		total += w[g]
	}
	gaps := make([]int, k)
	for j := range gaps {
		u := rng.Float64() * total
		g := 0
		for ; g < n-1; g++ {
			if w[g] == 0 {
				continue
			}
			if u < w[g] {
				break
			}
			u -= w[g]
		}
		for w[g] == 0 { // rounding landed past the last live gap: take the last live one
			g--
		}
		gaps[j] = g
		total -= w[g]
		w[g] = 0
	}
	return gaps
}
