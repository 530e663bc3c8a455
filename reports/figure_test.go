package reports

import (
	"bytes"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Linear ticks are at 1, 2 or 5 × 10^k with no trailing zeros; a narrow
// log range (peak RSS from 17 to 23 MiB) gets at least two clean labels.
func TestTickLabels(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		log    bool
		want   []string
	}{
		{17, 23, false, []string{"18", "20", "22"}},
		{0, 100, false, []string{"0", "20", "40", "60", "80", "100"}},
		{0.1, 0.35, false, []string{"0.1", "0.15", "0.2", "0.25", "0.3", "0.35"}},
		{17, 23, true, []string{"18", "20", "22"}},
		{0.15, 6, true, []string{"0.2", "0.5", "1", "2", "5"}},
		{64, 4096, true, []string{"100", "200", "500", "1000", "2000"}},
		{1, 1e5, true, []string{"1", "10", "100", "1000", "10000", "100000"}},
	} {
		var ticks []string
		src := niceTicks{}.Ticks(tc.lo, tc.hi)
		if tc.log {
			src = logTicks{}.Ticks(tc.lo, tc.hi)
		}
		for _, tk := range src {
			if tk.Label != "" {
				ticks = append(ticks, tk.Label)
			}
		}
		if !slices.Equal(ticks, tc.want) {
			t.Errorf("ticks(%g, %g, log %v) = %q, want %q", tc.lo, tc.hi, tc.log, ticks, tc.want)
		}
	}
}

// A series with Lo and Hi gets a shaded band in its model's colour behind
// its line (the seed band of a run with several seeds); without them, no
// band.
func TestSeriesBand(t *testing.T) {
	s := Series{Name: "gru", X: []float64{1, 2, 3}, Y: []float64{2, 1.5, 1}, Lo: []float64{1.8, 1.3, 0.9}, Hi: []float64{2.2, 1.7, 1.1}}
	render := func(s Series) string {
		var buf bytes.Buffer
		if err := RenderFigure(&buf, ".svg", Figure{Title: "band", Panels: []Panel{{Series: []Series{s}}}}); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	// gru is #2CA02C; the band is that colour at alpha 0x40 (SVG writes
	// it from premultiplied values: #2B9F2B, opacity 0.25098).
	if svg := render(s); !regexp.MustCompile(`fill:#2[BC]9F2B;fill-opacity:0\.25`).MatchString(svg) {
		t.Errorf("no band in gru's colour at 25%% opacity in the SVG")
	}
	s.Lo, s.Hi = nil, nil
	if svg := render(s); strings.Contains(svg, "fill-opacity") {
		t.Errorf("a band without Lo and Hi")
	}
}

// BandSeries: median line, min–max band, NaN runs left out.
func TestBandSeries(t *testing.T) {
	nan := math.NaN()
	s := BandSeries("gru", "gru", []float64{1, 2, 3}, [][]float64{{3, 1, nan}, {1, 2, nan}, {2, 4, 5}, {4, 3, nan}})
	if !slices.Equal(s.Y[:2], []float64{2.5, 2.5}) || s.Y[2] != 5 || !slices.Equal(s.Lo, []float64{1, 1, 5}) || !slices.Equal(s.Hi, []float64{4, 4, 5}) {
		t.Fatalf("BandSeries: Y %v Lo %v Hi %v", s.Y, s.Lo, s.Hi)
	}
}
