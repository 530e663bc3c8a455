package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"rnnbench/internal/tensor"
)

// TestAddRowBits checks that addRow gives exactly the bits of the plain
// loop y[i] += x[i] (the Embedding.Backward update it replaces), in
// float32 and float64, for every length up to 70 (the vector body and
// every tail) and for values of widely different magnitudes and signs.
func TestAddRowBits(t *testing.T) {
	addRowBits[float32](t)
	addRowBits[float64](t)
}

func addRowBits[F tensor.Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n <= 70; n++ {
		x, y, want := make([]F, n), make([]F, n), make([]F, n)
		for i := range x {
			x[i] = F(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(9)-4)))
			y[i] = F(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(9)-4)))
			want[i] = y[i] + x[i]
		}
		addRow(y, x)
		for i := range y {
			if math.Float64bits(float64(y[i])) != math.Float64bits(float64(want[i])) {
				t.Fatalf("%T, n=%d: y[%d] = %v, want %v (the plain loop's bits)", y[i], n, i, y[i], want[i])
			}
		}
	}
}
