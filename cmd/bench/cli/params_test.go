package cli

import (
	"testing"

	"rnnbench/models"
)

// --params sizes every model within 10% of the target, and the count it
// sizes by is the model's real non-embedding count.
func TestSizeToParams(t *testing.T) {
	arch := models.Config{L: 2, D: 64, Expansion: 2, H: 4, N: 16, V: 16}
	cfgs, err := modelConfigs("all", "", arch)
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []int{20_000, 100_000} {
		sized, err := sizeToParams(cfgs, target)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range sized {
			m, err := models.New[float32](c, 1)
			if err != nil {
				t.Fatal(err)
			}
			n := m.PS.CountNonEmbedding()
			if r := float64(n) / float64(target); r < 0.9 || r > 1.1 {
				t.Errorf("%s at D=%d has %d non-embedding parameters, not within 10%% of %d", c.Mixer, c.D, n, target)
			}
		}
	}
	if _, err := sizeToParams(cfgs, 3); err == nil {
		t.Error("--params 3 should be impossible to meet within 10%")
	}
}
