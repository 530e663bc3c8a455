package harness

// MaxGroups is the most repetitions Stats.Groups splits a series of
// timings into: enough for benchstat's confidence interval (it needs 6
// samples) without one benchmark line per training step.
const MaxGroups = 10

// GroupBounds returns the sample range [lo, hi) of group i when n samples
// are split into g consecutive groups whose sizes differ by at most one.
func GroupBounds(n, g, i int) (lo, hi int) {
	return i * n / g, (i + 1) * n / g
}

// groupMeans returns the means of min(len(xs), MaxGroups) consecutive
// groups of xs (GroupBounds), nil for no samples.
func groupMeans(xs []float64) []float64 {
	g := min(len(xs), MaxGroups)
	if g == 0 {
		return nil
	}
	out := make([]float64, g)
	for i := range out {
		lo, hi := GroupBounds(len(xs), g, i)
		sum := 0.0
		for _, x := range xs[lo:hi] {
			sum += x
		}
		out[i] = sum / float64(hi-lo)
	}
	return out
}
