package reports

import (
	"image/color"
	"slices"
	"testing"
)

// Log-axis tick labels are never repeated: plot.LogTicks gives each power
// of ten twice (major, and the 1× minor tick of its decade).
func TestLogTicksUniqueLabels(t *testing.T) {
	for _, r := range [][2]float64{{60, 200}, {95, 105}, {1, 1e4}, {0.3, 0.7}, {20, 120}} {
		seen := map[string]bool{}
		n := 0
		for _, tk := range (logTicks{}).Ticks(r[0], r[1]) {
			if tk.Label == "" {
				continue
			}
			if seen[tk.Label] {
				t.Errorf("range %v: label %q twice", r, tk.Label)
			}
			seen[tk.Label] = true
			if tk.Value >= r[0] && tk.Value <= r[1] {
				n++
			}
		}
		if n < 2 {
			t.Errorf("range %v: %d labels inside the range, want ≥ 2", r, n)
		}
	}
}

// A series' colour comes from its model key, so that one model keeps its
// colour across panels and figures; a bare mixer is its default mode.
func TestSeriesLook(t *testing.T) {
	c1, s1 := (Series{Name: "gru train", Key: "gru"}).look(5)
	c2, s2 := (Series{Name: "gru"}).look(0)
	if c1 != c2 || s1 != s2 || c1 != color.Color(rgb(0x2ca02c)) {
		t.Errorf("gru: %v/%d and %v/%d, want one colour #2ca02c", c1, s1, c2, s2)
	}
	if ModelColor("mingru") != ModelColor("mingru/parallel") {
		t.Error("bare mingru is not coloured as mingru/parallel")
	}
	seen := map[color.RGBA]string{}
	for name := range modelColors {
		c := ModelColor(name)
		if other, dup := seen[c]; dup {
			t.Errorf("%s and %s share colour %v", name, other, c)
		}
		seen[c] = name
	}
	// An unknown model gets a spare colour, none of the known models'.
	if c := ModelColor("newmixer"); !slices.Contains(spareColors, c) || seen[c] != "" {
		t.Errorf("newmixer: colour %v, want one of the spare colours", c)
	}
}
