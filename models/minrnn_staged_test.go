//go:build amd64

package models

import (
	"math"
	"testing"
)

// The staged row kernels (minrnn_amd64.s: one loop per stage) give the
// same bits as the one-loop kernels they replace, at random and extreme
// pre-activations, for row lengths with and without a tail.
func TestStagedRowKernelsBitIdentical(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2/FMA: the staged kernels do not run")
	}
	for _, n := range []int{8, 64, 203} {
		k := append(append(gateInputs(n, 1), gateInputs(n, 2)...), gateInputs(n, 3)...) // [3n]
		da, db := gateInputs(n, 4), gateInputs(n, 5)
		for i := range da {
			da[i], db[i] = float32(math.Tanh(float64(da[i]))), float32(math.Tanh(float64(db[i])))
		}
		for _, c := range stagedCases {
			G := c.gates
			a1, b1, a2, b2 := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
			c.rows.fwd(a1, b1, k[:G*n])
			c.fwd(a2, b2, k[:G*n])
			sameBits(t, c.name+" forward a", n, a1, a2)
			sameBits(t, c.name+" forward b", n, b1, b2)
			dk1, dk2 := make([]float32, G*n), make([]float32, G*n)
			c.rows.bwd(dk1, k[:G*n], da, db)
			c.bwd(dk2, k[:G*n], da, db)
			sameBits(t, c.name+" backward dk", n, dk1, dk2)
		}
	}
}

// stagedCases pairs each form's row kernels (staged) with the one-loop
// kernels over the whole row.
var stagedCases = []struct {
	name  string
	gates int
	rows  *rowKernels
	fwd   func(a, b, k []float32)
	bwd   func(dk, k, da, db []float32)
}{
	{"minlstm linear", 3, &minlstmLinRows,
		func(a, b, k []float32) { n := len(a); minlstmLinFwdAVX(&a[0], &b[0], &k[0], &k[n], &k[2*n], n) },
		func(dk, k, da, db []float32) {
			n := len(da)
			minlstmLinBwdAVX(&dk[0], &dk[n], &dk[2*n], &k[0], &k[n], &k[2*n], &da[0], &db[0], n)
		}},
	{"minlstm log", 3, &minlstmLogRows,
		func(a, b, k []float32) { n := len(a); minlstmLogFwdAVX(&a[0], &b[0], &k[0], &k[n], &k[2*n], n) },
		func(dk, k, da, db []float32) {
			n := len(da)
			minlstmLogBwdAVX(&dk[0], &dk[n], &dk[2*n], &k[0], &k[n], &k[2*n], &da[0], &db[0], n)
		}},
}

func sameBits(t *testing.T, what string, n int, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("n=%d %s[%d] = %v (%#x), one-loop kernel %v (%#x)", n, what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// The log-space scan's eight-channel path (two stages over t) gives the
// bits of its masked one-loop path, run on the same channels four at a time.
func TestLogScanStagedBitIdentical(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2/FMA: the staged kernels do not run")
	}
	for _, T := range []int{1, 64, 300} { // one step, one block of 64, blocks and a partial one
		const E = 16
		la, lb := gateInputs(T*E, 6), gateInputs(T*E, 7)
		for i := range la { // log a ≤ 0 with extremes, log b any
			la[i] = -float32(math.Abs(float64(la[i])))
		}
		logh1, h1, logh2, h2 := make([]float32, T*E), make([]float32, T*E), make([]float32, T*E), make([]float32, T*E)
		for e0 := 0; e0 < E; e0 += 8 {
			logScanFwdAVX(&logh1[e0], &h1[e0], &la[e0], &lb[e0], T, 4*E, 8)
			for j := e0; j < e0+8; j += 4 {
				logScanFwdAVX(&logh2[j], &h2[j], &la[j], &lb[j], T, 4*E, 4)
			}
		}
		sameBits(t, "log h", T, logh1, logh2)
		sameBits(t, "h", T, h1, h2)
	}
}
