package harness

import (
	"math"
	"math/rand/v2"
	"slices"

	"rnnbench/models"
)

// Sample generates n tokens from m through the recurrent step API (a
// constant-size state for the RNNs and Mamba, a KV cache for the
// Transformer), starting from the prompt tokens (at least one). Each token
// is drawn from softmax(logits/temperature), restricted to the topK most
// likely when topK > 0. It returns the generated tokens only.
func Sample(m *models.Model[float32], prompt []int32, n int, temperature float64, topK int, rng *rand.Rand) []int32 {
	st := m.NewState(1, len(prompt)+n)
	var logits []float32
	for _, tok := range prompt {
		logits = m.Step(st, []int32{tok})
	}
	V := m.Cfg.V
	probs := make([]float64, V)
	order := make([]int, V)
	out := make([]int32, 0, n)
	for i := 0; i < n; i++ {
		tok := int32(draw(logits[:V], probs, order, temperature, topK, rng))
		out = append(out, tok)
		if i+1 < n {
			logits = m.Step(st, []int32{tok})
		}
	}
	return out
}

// draw picks an index from softmax(logits/temperature) over the topK
// largest logits (all when topK ≤ 0).
func draw(logits []float32, probs []float64, order []int, temperature float64, topK int, rng *rand.Rand) int {
	V := len(logits)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case logits[a] > logits[b]:
			return -1
		case logits[a] < logits[b]:
			return 1
		}
		return 0
	})
	k := V
	if topK > 0 && topK < V {
		k = topK
	}
	maxL := float64(logits[order[0]])
	sum := 0.0
	for j := 0; j < k; j++ {
		probs[j] = math.Exp((float64(logits[order[j]]) - maxL) / temperature)
		sum += probs[j]
	}
	u := rng.Float64() * sum
	for j := 0; j < k; j++ {
		u -= probs[j]
		if u < 0 {
			return order[j]
		}
	}
	return order[k-1]
}
