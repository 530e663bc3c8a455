package views

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rnnbench/harness"
)

// Index inlines the SVG files the figures were saved as, read back, not
// drawn again: a marker put in a saved loss.svg shows in the page; the
// figure it reads is the one drawn (for a run with a grid, the mean
// curves over seeds, whose panel title the plain loss figure lacks); and
// without a folder it draws the same SVG itself.
func TestIndexReadsSavedFigures(t *testing.T) {
	rec := synthRun("selective-copy")
	dir := t.TempDir()
	writeFolder(t, dir, rec)
	svgPath := filepath.Join(dir, "loss.svg")
	saved, err := os.ReadFile(svgPath)
	if err != nil {
		t.Fatal(err)
	}
	var drawn bytes.Buffer
	if err := Index(&drawn, "", rec); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(drawn.String(), inlineSVG(string(saved))) {
		t.Fatal(`Index(w, "", rec) does not draw the SVG that LossPlot saved`)
	}
	marked := strings.Replace(string(saved), "</svg>", "<!-- read back -->\n</svg>", 1)
	if err := os.WriteFile(svgPath, []byte(marked), 0o644); err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := Index(&page, dir, rec); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), "<!-- read back -->") {
		t.Fatal("index.html does not show the saved loss.svg: it drew the figure again")
	}
	os.Remove(svgPath)
	if err := Index(&bytes.Buffer{}, dir, rec); err == nil || !strings.Contains(err.Error(), "loss.png") {
		t.Fatalf("a missing loss.svg: err = %v, want one naming the figure", err)
	}

	grid := synthRun("selective-copy")
	grid.Grid = &harness.Grid{Seeds: []uint64{1}, LR: []float64{1e-3}}
	gdir := t.TempDir()
	writeFolder(t, gdir, grid)
	b, err := os.ReadFile(filepath.Join(gdir, IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "mean loss over seeds") {
		t.Fatal("a grid run's index.html does not show its loss.svg (mean curves over seeds)")
	}
}
