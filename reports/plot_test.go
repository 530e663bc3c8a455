package reports

import (
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scalingPanels returns a log-log cost panel (with zeros and a NaN that
// must be dropped) and a linear loss panel.
func scalingPanels() []Panel {
	T := []float64{0, 64, 128, 256, 512, 1024}
	return []Panel{{
		Title: "step time vs sequence length", XLabel: "T (tokens)", YLabel: "ns/step",
		LogX: true, LogY: true,
		Series: []Series{
			{Name: "minGRU parallel", X: T, Y: []float64{0, 1e4, 2e4, 4e4, 8e4, 1.6e5}},
			{Name: "transformer", X: T, Y: []float64{5, 4e3, 1.6e4, 6.4e4, 2.56e5, 1.024e6}},
			{Name: "lstm", X: T, Y: []float64{-1, 3e4, 6e4, 1.2e5, nan(), 4.8e5}},
		},
	}, {
		Title: "training loss", XLabel: "step", YLabel: "loss",
		Series: []Series{
			{Name: "minGRU", X: []float64{0, 100, 200, 300}, Y: []float64{2.3, 1.1, 0.6, 0.4}},
			{Name: "GRU", X: []float64{0, 100, 200, 300}, Y: []float64{2.3, 1.4, 0.9, 0.7}},
		},
	}}
}

func TestSavePNGSize(t *testing.T) {
	dir := t.TempDir()
	three := append(scalingPanels(), Panel{Title: "narrow log range", LogY: true,
		Series: []Series{{Name: "s", X: []float64{1, 2, 3}, Y: []float64{0.5, 0.6, 0.7}}}})
	for _, tc := range []struct {
		name       string
		cols       int
		panels     []Panel
		wantW, wan int
	}{
		{"two.png", 2, scalingPanels(), 2 * 900, 600},
		{"stacked.png", 1, scalingPanels(), 900, 2 * 600},
		{"three.png", 2, three, 2 * 900, 2 * 600},
		{"cols-capped.png", 5, scalingPanels()[:1], 900, 600},
	} {
		path := filepath.Join(dir, tc.name)
		if err := SavePNG(path, tc.cols, tc.panels...); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		// 150 dpi: a 6×4-inch panel is 900×600 pixels; the legend strip
		// (right) and the caption (below) add less than a panel.
		if cfg.Width < tc.wantW || cfg.Width > tc.wantW+450 || cfg.Height < tc.wan || cfg.Height > tc.wan+100 {
			t.Errorf("%s: %d×%d pixels, want about %d×%d", tc.name, cfg.Width, cfg.Height, tc.wantW, tc.wan)
		}
	}
	// Only the figures remain, in three formats each: temporary files
	// were renamed away.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4*len(FigureFormats) {
		t.Errorf("directory holds %d entries, want %d", len(entries), 4*len(FigureFormats))
	}
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		var magic string
		switch filepath.Ext(e.Name()) {
		case ".png":
			magic = "\x89PNG"
		case ".svg":
			magic = "<?xml"
		case ".pdf":
			magic = "%PDF-"
		}
		if !strings.HasPrefix(string(b), magic) {
			t.Errorf("%s does not start with %q", e.Name(), magic)
		}
	}
}

func TestSavePNGSinglePointLog(t *testing.T) {
	p := Panel{LogX: true, LogY: true, Series: []Series{{Name: "one", X: []float64{0, 1}, Y: []float64{7, 1}}}}
	if err := SavePNG(filepath.Join(t.TempDir(), "one.png"), 1, p); err != nil {
		t.Fatal(err)
	}
}

func TestSavePNGErrors(t *testing.T) {
	dir := t.TempDir()
	allZero := Panel{Title: "zeros", LogY: true, Series: []Series{{Name: "z", X: []float64{1, 2}, Y: []float64{0, 0}}}}
	for name, tc := range map[string]struct {
		cols   int
		panels []Panel
		want   error
	}{
		"no panels":         {1, nil, nil},
		"zero cols":         {0, scalingPanels(), nil},
		"empty panel":       {1, []Panel{{Title: "empty"}}, ErrNoPoints},
		"all dropped (log)": {2, append(scalingPanels(), allZero), ErrNoPoints},
		"ragged series":     {1, []Panel{{Series: []Series{{X: []float64{1, 2}, Y: []float64{1}}}}}, ErrShape},
	} {
		path := filepath.Join(dir, "out.png")
		err := SavePNG(path, tc.cols, tc.panels...)
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("%s: err = %v, want %v", name, err, tc.want)
		}
		if _, serr := os.Stat(path); serr == nil || tc.want != nil && len(mustReadDir(t, dir)) != 0 {
			t.Errorf("%s: file written despite error", name)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %d files behind", len(entries))
	}
}

func mustReadDir(t *testing.T, dir string) []os.DirEntry {
	t.Helper()
	e, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
