package models

import (
	"errors"
	"math"
	"runtime"
	"testing"
)

// MemoryFit reproduces EstimateMemory exactly for every mixer at
// lengths away from the fitted ones, with an MLP and dropout (whose masks
// are activations) and at batch sizes on both sides of attention's slot
// count and of fitBatch; ParamsLowerBound stays below the true count.
func TestFitMemoryMatchesEstimateMemory(t *testing.T) {
	for _, mixer := range MixerNames {
		for _, arch := range []Config{
			{V: 16, L: 1, D: 8, Expansion: 2, H: 2, N: 4},
			{V: 65, L: 2, D: 12, Expansion: 1, H: 3, N: 2, MLP: 2, Dropout: 0.1},
		} {
			c := arch
			c.Mixer, c.Mode = mixer, DefaultMode(mixer)
			for _, B := range []int{1, 3, 40, fitBatch + 1, 1000} {
				f, err := FitMemory(c, B, math.Inf(1))
				if err != nil {
					t.Fatal(err)
				}
				for _, T := range []int{1, 5, 17, 100} {
					want, err := EstimateMemory(c, B, T)
					if err != nil {
						t.Fatal(err)
					}
					if got := f.Training(T); got != float64(want.Total()) {
						t.Errorf("%s %+v at B=%d T=%d: fit %g, EstimateMemory %d", mixer, arch, B, T, got, want.Total())
					}
				}
			}
			n, _ := CountParams(c)
			if lb, all := ParamsLowerBound(c), float64(n+2*c.V*c.D); lb > all || lb < all/2 {
				t.Errorf("%s: ParamsLowerBound %g, the count %g: want within a factor 2 below", mixer, lb, all)
			}
		}
	}
}

// A model whose parameters alone exceed the limit is refused before
// anything is built, and an absurd batch is only evaluated: absurd sizes
// cost neither time nor memory, and int-overflowing sizes are refused.
func TestFitMemoryRefusesWithoutBuilding(t *testing.T) {
	for _, tc := range []struct {
		c Config
		B int
	}{
		{Config{Mixer: "gru", V: 16, L: 1, D: 1 << 20, Expansion: 2}, 1},
		{Config{Mixer: "gru", V: 16, L: 1, D: math.MaxInt, Expansion: 2}, 1},
		{Config{Mixer: "mamba", V: 16, L: math.MaxInt, D: 8, Expansion: 2, N: 4}, 1},
		// The exact count, not only the bound: 4 blocks of minGRU at D=256
		// hold over 1M parameters, 16 bytes each, against 1 MB.
		{Config{Mixer: "mingru", Mode: "parallel", V: 16, L: 4, D: 256, Expansion: 2}, 1},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := FitMemory(tc.c, tc.B, 1e6)
		runtime.ReadMemStats(&after)
		var tb *TooBigError
		if !errors.Is(err, ErrTooBig) || !errors.As(err, &tb) || !(tb.AtLeast > 1e6) {
			t.Fatalf("%+v B=%d: err = %v, want a TooBigError above 1e6", tc.c, tc.B, err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Fatalf("%+v B=%d: refusing allocated %d bytes", tc.c, tc.B, grew)
		}
	}
	// Huge B and T do not overflow: the figure is only evaluated.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	g, err := FitMemory(Config{Mixer: "mamba", V: 16, L: 1, D: 8, Expansion: 2, N: 4}, 1<<50, 1e6)
	runtime.ReadMemStats(&after)
	if err != nil || !(g.Training(8) > 1e15) {
		t.Fatalf("mamba at B = 2⁵⁰: %v", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Fatalf("fitting B = 2⁵⁰ allocated %d bytes", grew)
	}
	f, err := FitMemory(Config{Mixer: "transformer", V: 16, L: 1, D: 8, Expansion: 1, H: 2}, 1, math.Inf(1))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Training(1 << 40); !(got > 1e24) || math.IsInf(got, 0) {
		t.Fatalf("attention at T = 2⁴⁰: %g bytes", got)
	}
}
