package harness

import (
	"math/rand/v2"
	"slices"
	"testing"

	"rnnbench/models"
)

// Sampling through the step API works for every model: n tokens, all in
// the vocabulary, the same for the same seed.
func TestSampleEveryModel(t *testing.T) {
	for _, name := range models.MixerNames {
		c := models.Config{Mixer: name, Mode: models.DefaultMode(name), V: 11, L: 2, D: 8, Expansion: 2, H: 2, N: 4}
		m, err := models.New[float32](c, 1)
		if err != nil {
			t.Fatal(err)
		}
		a := Sample(m, []int32{1, 2, 3}, 40, 1.0, 0, rand.New(rand.NewPCG(5, 6)))
		b := Sample(m, []int32{1, 2, 3}, 40, 1.0, 0, rand.New(rand.NewPCG(5, 6)))
		if len(a) != 40 || !slices.Equal(a, b) {
			t.Fatalf("%s: sample %v then %v", name, a, b)
		}
		for _, tok := range a {
			if tok < 0 || int(tok) >= c.V {
				t.Fatalf("%s: token %d outside the vocabulary", name, tok)
			}
		}
	}
}

// draw with top-k 1 is the argmax; with a tiny temperature it is too.
func TestDrawTopK(t *testing.T) {
	logits := []float32{0.1, 2.5, -1, 2.4}
	probs, order := make([]float64, 4), make([]int, 4)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 50; i++ {
		if got := draw(logits, probs, order, 1, 1, rng); got != 1 {
			t.Fatalf("top-k 1 drew %d, want 1", got)
		}
		if got := draw(logits, probs, order, 1e-3, 0, rng); got != 1 {
			t.Fatalf("temperature 1e-3 drew %d, want 1", got)
		}
		if got := draw(logits, probs, order, 1, 2, rng); got != 1 && got != 3 {
			t.Fatalf("top-k 2 drew %d, want 1 or 3", got)
		}
	}
}
