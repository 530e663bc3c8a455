package optim

import (
	"math"
	"testing"
)

func TestScheduleLR(t *testing.T) {
	s := Schedule{Warmup: 10, Total: 110, LRMax: 1e-3, LRMin: 1e-4}
	cases := []struct {
		step int
		want float64
	}{
		{0, 1e-3 / 11},
		{4, 1e-3 * 5 / 11},
		{9, 1e-3 * 10 / 11},
		{10, 1e-3},                               // peak: cos 0 = 1
		{35, 1e-4 + 0.5*(1+math.Sqrt(0.5))*9e-4}, // quarter of the decay: cos(π/4)
		{60, 5.5e-4},                             // middle: cos(π/2) = 0
		{110, 1e-4},                              // end
		{1000, 1e-4},                             // after
		{-3, 1e-3 / 11},                          // negative treated as 0
	}
	for _, c := range cases {
		if got := s.LR(c.step); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("LR(%d) = %v, want %v", c.step, got, c.want)
		}
	}
	// constant schedule and Warmup == Total do not divide by zero
	if got := (Schedule{LRMax: 1e-4, LRMin: 1e-4}).LR(5); got != 1e-4 {
		t.Errorf("constant: %v", got)
	}
	if got := (Schedule{Warmup: 5, Total: 5, LRMax: 1, LRMin: 0.1}).LR(5); got != 0.1 {
		t.Errorf("Warmup == Total: %v", got)
	}
}
