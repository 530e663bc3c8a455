package cli

import (
	"rnnbench/models"
)

// sizeToParams sets each config's D so that its non-embedding parameter
// count is as close as possible to target (the Long Range Arena rule of
// comparing models at equal size), and fails if a model cannot land within
// 10%. D only takes values the mixer accepts (models.Config.ValidateMixer:
// the transformer's heads divide it into even head widths).
func sizeToParams(cfgs []models.Config, target int) ([]models.Config, error) {
	out := make([]models.Config, len(cfgs))
	for i, c := range cfgs {
		bestD, bestErr := 0, -1.0
		for D := 1; D <= 8192; D++ {
			c.D = D
			if c.ValidateMixer() != nil {
				continue // e.g. the transformer's heads must split D evenly
			}
			n := nonEmbedding(c)
			e := float64(n-target) / float64(target)
			if e < 0 {
				e = -e
			}
			if bestErr < 0 || e < bestErr {
				bestD, bestErr = D, e
			}
			if n > target {
				break
			}
		}
		if bestErr > 0.10 {
			return nil, badInput("--params %d: %s cannot be sized within 10%% (closest D=%d is %.0f%% off); choose another --params or --layers", target, c.Mixer, bestD, 100*bestErr)
		}
		c.D = bestD
		out[i] = c
	}
	return out, nil
}

// nonEmbedding counts a config's non-embedding parameters without
// allocating its buffers.
func nonEmbedding(c models.Config) int {
	n, err := models.CountParams(c)
	if err != nil {
		return 0
	}
	return n
}
