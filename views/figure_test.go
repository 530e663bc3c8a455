package views

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"rnnbench/harness"
	"rnnbench/internal/golden"
	"rnnbench/models"
	"rnnbench/reports"
)

// svgText is one <text> element of an SVG drawn by gonum's vgsvg.
type svgText struct {
	x, y    float64 // percent of the width from the left and of the height from the bottom
	rotated bool    // an axis label drawn inside a rotate(90) group
	text    string
}

var (
	svgSizeRE = regexp.MustCompile(`<svg width="([0-9.]+)pt" height="([0-9.]+)pt"`)
	svgTokRE  = regexp.MustCompile(`(?s)<g transform="rotate\(90\)">|</g>|<text x="([-0-9.e]+)" y="([-0-9.e]+)"[^>]*>(.*?)</text>`)
)

// svgTexts returns the texts of an SVG in drawing order, positions in
// percent of the figure so that they do not depend on its size.
func svgTexts(t *testing.T, svg []byte) []svgText {
	t.Helper()
	m := svgSizeRE.FindSubmatch(svg)
	if m == nil {
		t.Fatalf("no <svg width height> in %.200s", svg)
	}
	w, _ := strconv.ParseFloat(string(m[1]), 64)
	h, _ := strconv.ParseFloat(string(m[2]), 64)
	var out []svgText
	depth := 0
	for _, tok := range svgTokRE.FindAllSubmatch(svg, -1) {
		switch {
		case bytes.HasPrefix(tok[0], []byte("<g")):
			depth++
		case bytes.Equal(tok[0], []byte("</g>")):
			if depth > 0 {
				depth--
			}
		default:
			x, _ := strconv.ParseFloat(string(tok[1]), 64)
			y, _ := strconv.ParseFloat(string(tok[2]), 64)
			out = append(out, svgText{x: 100 * x / w, y: 100 * -y / h, rotated: depth > 0, text: html.UnescapeString(string(tok[3]))})
		}
	}
	return out
}

// svgSummary is the golden form of a figure: each text with its position
// rounded to whole percent; rotated axis labels without one.
func svgSummary(texts []svgText) []byte {
	var b bytes.Buffer
	for _, tx := range texts {
		if tx.rotated {
			fmt.Fprintf(&b, "rotated        %s\n", tx.text)
			continue
		}
		fmt.Fprintf(&b, "x=%3.0f%% y=%3.0f%% %s\n", tx.x, tx.y, tx.text)
	}
	return b.Bytes()
}

// checkFigure renders fig as SVG and checks what a reader relies on: the
// title on top, the caption at the bottom, the x tick labels (when
// given), and every legend entry right of every tick label, i.e. outside
// the data areas. It compares the text layout with testdata/<name>.golden.
func checkFigure(t *testing.T, name string, fig reports.Figure, xticks, legend []string) {
	t.Helper()
	var buf bytes.Buffer
	if err := reports.RenderFigure(&buf, ".svg", fig); err != nil {
		t.Fatal(err)
	}
	texts := svgTexts(t, buf.Bytes())
	if len(texts) == 0 || texts[0].text != fig.Title || texts[0].y < 90 {
		t.Errorf("%s: the first text is not the title %q at the top: %+v", name, fig.Title, texts[:min(1, len(texts))])
	}
	var all []string
	numberRight := 0.0
	for _, tx := range texts {
		all = append(all, tx.text)
		if _, err := strconv.ParseFloat(tx.text, 64); err == nil && !tx.rotated {
			numberRight = math.Max(numberRight, tx.x)
		}
	}
	joined := strings.Join(all, "\n")
	if !strings.Contains(joined, "measured on") {
		t.Errorf("%s: no caption naming the machine", name)
	}
	for _, tk := range xticks {
		if !slices.Contains(all, tk) {
			t.Errorf("%s: no tick label %q", name, tk)
		}
	}
	for _, l := range legend {
		i := slices.IndexFunc(texts, func(tx svgText) bool { return tx.text == l })
		if i < 0 {
			t.Errorf("%s: no legend entry %q", name, l)
			continue
		}
		if texts[i].x <= numberRight {
			t.Errorf("%s: legend entry %q at x=%.0f%% is not right of the tick labels (x ≤ %.0f%%)", name, l, texts[i].x, numberRight)
		}
	}
	for _, tx := range texts {
		if strings.Contains(tx.text, "e+") || regexp.MustCompile(`^-?[0-9]+\.[0-9]*0$`).MatchString(tx.text) {
			t.Errorf("%s: unclean tick label %q", name, tx.text)
		}
	}
	golden.Check(t, "figure_"+name, svgSummary(texts))
}

// synthRun is a selective-copy run of three models with evaluations at
// steps 0, 50 and 100.
func synthRun(task string) *harness.Record {
	rec := &harness.Record{
		Schema: harness.SchemaVersion, Task: task, Started: time.Date(2025, 1, 2, 3, 4, 0, 0, time.UTC),
		Machine: harness.Machine{CPU: "Test CPU", Cores: 2, GOMAXPROCS: 2, GoVersion: "go1.26", OS: "linux/amd64", MemBytes: 4 << 30, Backend: "gonum", Commit: "abc"},
		Train:   harness.TrainConfig{Batch: 16, Steps: 100, LR: 3e-3, Seed: 7, EvalEvery: 50, EvalBatches: 2},
		TaskCfg: map[string]any{"seq_len": 64, "copy_tokens": 8, "V": 16},
	}
	for i, n := range []string{"mingru/parallel", "gru", "transformer"} {
		mixer, mode, _ := strings.Cut(n, "/")
		d := float64(i) * 0.1
		rec.Results = append(rec.Results, harness.Result{Name: n, Model: models.Config{Mixer: mixer, Mode: mode, V: 16, L: 2, D: 32, Expansion: 2},
			Evals: []harness.Eval{
				{Step: 0, Loss: 2.77, TrainLoss: 2.77, Accuracy: 0.0625},
				{Step: 50, Seconds: 5, Loss: 1.5 + d, TrainLoss: 1.6 + d, Accuracy: 0.45 - d},
				{Step: 100, Seconds: 10, Loss: 0.4 + d, TrainLoss: 0.5 + d, Accuracy: 0.875 - d},
			}})
	}
	return rec
}

// The loss figure: title, caption, accuracy in %, legend outside, and no
// training-loss point at step 0 (where it would be the held-out loss).
func TestLossFigureSVG(t *testing.T) {
	rec := synthRun("selective-copy")
	fig := lossFigure(rec)
	for _, s := range fig.Panels[0].Series {
		if !s.Dashed && slices.Contains(s.X, 0) {
			t.Errorf("training series %q has a step-0 point", s.Name)
		}
	}
	if got := fig.Panels[1].Series[0].Y[2]; got != 87.5 {
		t.Errorf("accuracy plotted as %g, want 87.5 (%%)", got)
	}
	checkFigure(t, "loss", fig, nil, []string{"mingru/parallel", "gru", "transformer"})
}

// The three sweep figures: x ticks exactly at the swept lengths, O(T) and
// O(T²) guides on the time plots only, legend outside.
func TestSweepFiguresSVG(t *testing.T) {
	rec := synthSweep()
	figs := SweepFigures(rec)
	if len(figs) != 3 {
		t.Fatalf("%d sweep figures, want 3", len(figs))
	}
	legend := []string{"mingru/parallel", "gru", "lstm", "transformer"}
	for i, name := range []string{"sweep_train", "sweep_inference", "sweep_memory"} {
		f := figs[i]
		l := legend
		if i < 2 {
			l = append(slices.Clone(legend), "O(T) guide", "O(T²) guide")
		}
		checkFigure(t, name, f.Figure, []string{"128", "512", "4096"}, l)
		if i == 2 && strings.Contains(string(svgSummary(renderTexts(t, f.Figure))), "guide") {
			t.Error("the memory figure has time guides")
		}
	}
}

func renderTexts(t *testing.T, fig reports.Figure) []svgText {
	var buf bytes.Buffer
	if err := reports.RenderFigure(&buf, ".svg", fig); err != nil {
		t.Fatal(err)
	}
	return svgTexts(t, buf.Bytes())
}
