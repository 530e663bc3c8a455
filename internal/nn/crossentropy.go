package nn

import (
	"fmt"
	"math"

	"rnnbench/internal/tensor"
)

// SoftmaxCrossEntropy computes the mean over counted rows of
// −log softmax(logits)[target] for logits: [M, V] and targets: [M], where a
// target of −1 means "ignore this row" (PyTorch's ignore_index). It returns
// the mean loss in nats (0 when no row is counted), the number of counted
// rows, and correct, the number of counted rows whose argmax (ties: lowest
// index) equals the target.
//
// When dlogits ([M, V]) is not nil it is OVERWRITTEN with the gradient of
// the mean loss: (softmax − onehot)/count on counted rows, 0 on ignored
// rows. rowLoss: [M] is caller-provided scratch; it receives each row's
// loss (0 when ignored) and is summed sequentially, so the result is
// bit-identical for any GOMAXPROCS.
//
// Each row subtracts its max before exponentiating, and sums in float64,
// so logits like ±1e4 give finite loss and gradient. It panics on a target
// outside [0, V) other than −1, or on short slices.
func SoftmaxCrossEntropy[F tensor.Float](dlogits, logits []F, targets []int32, rowLoss []F, M, V int) (loss float64, count, correct int) {
	if len(logits) < M*V || len(targets) < M || len(rowLoss) < M || (dlogits != nil && len(dlogits) < M*V) {
		panic("nn: SoftmaxCrossEntropy shape mismatch")
	}
	for _, t := range targets[:M] {
		if t == -1 {
			continue
		}
		if t < 0 || int(t) >= V {
			panic(fmt.Sprintf("nn: SoftmaxCrossEntropy target %d outside [0, %d)", t, V))
		}
		count++
	}
	invCount := 0.0
	if count > 0 {
		invCount = 1 / float64(count)
	}
	correct = tensor.ForCount(M, rowGrain(V), ceRows[F]{dlogits, logits, rowLoss, targets, V, invCount})
	var sum float64
	for _, l := range rowLoss[:M] {
		sum += float64(l)
	}
	return sum * invCount, count, correct
}

// ceRows is SoftmaxCrossEntropy over rows [lo, hi); Count returns how many
// of them are correct (the counts are integers, so their sum does not
// depend on how the rows are split).
type ceRows[F tensor.Float] struct {
	dlogits, logits, rowLoss []F // [M, V], [M, V], [M]
	targets                  []int32
	V                        int
	invCount                 float64 // 1/count, 0 when no row counts
}

// ceBlock bounds the vocabulary whose float32 loss-only rows use a stack
// buffer for the vector exp.
const ceBlock = 1024

func (k ceRows[F]) Count(lo, hi int) int {
	dlogits, logits, targets, rowLoss, V, invCount := k.dlogits, k.logits, k.targets, k.rowLoss, k.V, k.invCount
	correct := 0
	var buf [ceBlock]float32 // the loss-only rows' exp buffer, zeroed once per call, not per row
	for m := lo; m < hi; m++ {
		t := targets[m]
		var dl []F
		if dlogits != nil {
			dl = dlogits[m*V : (m+1)*V]
		}
		if t == -1 {
			rowLoss[m] = 0
			clear(dl)
			continue
		}
		row := logits[m*V : (m+1)*V]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		if best == int(t) {
			correct++
		}
		mx := float64(row[best])
		var sum float64
		switch {
		case tensor.Is32[F]() && (dl != nil || V <= ceBlock):
			// float32: e_j = exp(l_j − max) by the vector kernel, into dl
			// (kept to avoid a second exp) or a stack buffer.
			e := buf[:min(V, ceBlock)]
			if dl != nil {
				e = as32(dl)
			}
			r32, m32 := as32(row), float32(row[best])
			for j, v := range r32 {
				e[j] = v - m32
			}
			tensor.ExpVec32(e, e)
			for _, v := range e {
				sum += float64(v)
			}
		case dl == nil:
			for _, v := range row {
				sum += math.Exp(float64(v) - mx)
			}
		default:
			for j, v := range row { // keep e_j = exp(l_j − max) to avoid a second exp
				e := math.Exp(float64(v) - mx)
				sum += e
				dl[j] = F(e)
			}
		}
		lse := mx + math.Log(sum)
		rowLoss[m] = F(lse - float64(row[t]))
		if dl != nil {
			// softmax_j/count = e_j/(sum·count); the target term in float64
			// so that p_t − 1 keeps its precision when p_t ≈ 1.
			scale := invCount / sum
			for j, e := range dl {
				dl[j] = F(float64(e) * scale)
			}
			dl[t] = F((math.Exp(float64(row[t])-lse) - 1) * invCount)
		}
	}
	return correct
}
