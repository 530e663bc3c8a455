package tasks

import (
	"fmt"
	"math/rand/v2"
)

// Generator is a synthetic task laid out from an input length L: the
// formal-language tasks of the minRNNs code (Feng et al. 2024,
// BorealisAI/minRNNs data/*.py), trained on short L and tested on long L
// (xLSTM, Beck et al. 2024 App. B.1.1), and MQAR (zoology).
//
// Every row of input length L has T = SeqLen(L) positions; a target of -1
// (Ignore) is not scored. Rows depend only on (L, the rng's state): the
// same stream gives the same rows. A row's answer is computed from its
// tokens alone by Oracle, the task's exact algorithm.
type Generator interface {
	Name() string
	// V is the model vocabulary: it covers both the input tokens and the
	// target classes (cycle-nav has 4 input tokens but 5 classes: V = 5).
	V() int
	// Classes is the number of target classes; chance = 1/Classes.
	Classes() int
	// SeqLen is T, the positions of a row of input length L.
	SeqLen(L int) int
	// Validate reports whether rows of input length L can be laid out; the
	// error wraps ErrConfig and names the flag.
	Validate(L int) error
	// Row writes one row of input length L drawn from rng.
	// tokens, targets: [SeqLen(L)].
	Row(tokens, targets []int32, L int, rng *rand.Rand)
	// Oracle writes into pred: [SeqLen(L)] the exact answer at every scored
	// position of the row tokens: [SeqLen(L)] and Ignore elsewhere, so
	// that pred equals the row's targets.
	Oracle(pred, tokens []int32, L int)
}

// FillLength writes b.B fresh rows of input length L into b. It panics if
// g.Validate(L) fails or b.T != g.SeqLen(L).
func FillLength(g Generator, b *Batch, L int, rng *rand.Rand) {
	if err := g.Validate(L); err != nil {
		panic("tasks: FillLength: " + err.Error())
	}
	T := g.SeqLen(L)
	if b.T != T || len(b.Tokens) != b.B*T || len(b.Targets) != b.B*T {
		panic(fmt.Sprintf("tasks: FillLength: batch is [%d, %d], %s at L=%d needs T=%d", b.B, b.T, g.Name(), L, T))
	}
	for r := 0; r < b.B; r++ {
		g.Row(b.Tokens[r*T:(r+1)*T], b.Targets[r*T:(r+1)*T], L, rng)
	}
}

// Chance is the accuracy of a uniform random guess over the classes, the
// zero of xLSTM's scaled accuracy.
func Chance(g Generator) float64 { return 1 / float64(g.Classes()) }

// Scaled is xLSTM's scaled accuracy (Beck et al. 2024, App. B.1.1):
// (acc − chance)/(1 − chance), 0 at chance and 1 when perfect (negative
// below chance).
func Scaled(acc, chance float64) float64 { return (acc - chance) / (1 - chance) }

// Accuracy returns the fraction of scored positions (target ≥ 0) where
// pred equals the target, and how many were scored. pred, targets: [M].
// It panics if the lengths differ.
func Accuracy(pred, targets []int32) (acc float64, counted int) {
	if len(pred) != len(targets) {
		panic("tasks: Accuracy: pred and targets differ in length")
	}
	correct := 0
	for i, tg := range targets {
		if tg < 0 {
			continue
		}
		counted++
		if pred[i] == tg {
			correct++
		}
	}
	if counted == 0 {
		return 0, 0
	}
	return float64(correct) / float64(counted), counted
}

// OracleBatch applies g.Oracle to every row of b (rows of input length L)
// and returns the predictions: [B, T].
func OracleBatch(g Generator, b *Batch, L int) []int32 {
	pred := make([]int32, b.B*b.T)
	for r := 0; r < b.B; r++ {
		g.Oracle(pred[r*b.T:(r+1)*b.T], b.Tokens[r*b.T:(r+1)*b.T], L)
	}
	return pred
}

// readOut sets targets to Ignore except the last position, which gets y:
// the layout of every task that answers once, after the EMPTY query token.
func readOut(targets []int32, y int32) {
	for i := range targets {
		targets[i] = Ignore
	}
	targets[len(targets)-1] = y
}

// needLength is the Validate of tasks that take any L ≥ 1.
func needLength(name string, L int) error {
	if L < 1 {
		return errorf(ErrConfig, "%s: length %d is too short: need lengths ≥ 1 (--train-lengths, --eval-lengths)", name, L)
	}
	return nil
}

// checkRow panics unless tokens and targets are both [SeqLen(L)].
func checkRow(g Generator, tokens, targets []int32, L int) {
	if T := g.SeqLen(L); len(tokens) != T || len(targets) != T {
		panic(fmt.Sprintf("tasks: %s row: got %d tokens and %d targets, need T=%d for L=%d", g.Name(), len(tokens), len(targets), T, L))
	}
}
