package views

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"rnnbench/harness"
	"rnnbench/reports"
)

// Views of length-generalisation runs (harness.LengthTask): the accuracy
// of each model on each held-out set (Result.Lengths), and, for a suite
// of tasks, one summary cell per model and task.

// LengthTable writes a Markdown table of rec's per-length accuracies: rows
// model, columns held-out set (the training range first, then each
// evaluation length); a cell is "raw% (scaled)", raw the per-position
// accuracy of the official code and scaled xLSTM's (acc − chance)/(1 −
// chance).
func LengthTable(w io.Writer, rec *harness.Record) error {
	if len(rec.Results) == 0 || len(rec.Results[0].Lengths) == 0 {
		return fmt.Errorf("%w: no per-length results", reports.ErrShape)
	}
	header := []string{"model"}
	for _, e := range rec.Results[0].Lengths {
		label := "L=" + e.Label
		if e.L == 0 {
			label = "train L " + e.Label
		}
		header = append(header, label)
	}
	header = append(header, "mean over eval lengths", "steps", "wall s")
	var rows [][]string
	for _, r := range rec.Results {
		row := []string{r.Name}
		for _, e := range r.Lengths {
			row = append(row, accCell(e.Accuracy, e.Scaled))
		}
		for len(row) < len(header)-3 {
			row = append(row, "")
		}
		raw, scaled := MeanEvalLengths(r)
		row = append(row, accCell(raw, scaled), fmt.Sprint(r.Steps), f1(r.WallSeconds))
		rows = append(rows, row)
	}
	return reports.Markdown(w, header, rows)
}

func accCell(raw, scaled float64) string {
	return fmt.Sprintf("%.1f (%.2f)", 100*raw, scaled)
}

// MeanEvalLengths is r's raw and scaled accuracy averaged over the
// evaluation lengths (Lengths with L > 0, each weighted equally); NaN when
// there are none.
func MeanEvalLengths(r harness.Result) (raw, scaled float64) {
	n := 0
	for _, e := range r.Lengths {
		if e.L > 0 {
			raw += e.Accuracy
			scaled += e.Scaled
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	return raw / float64(n), scaled / float64(n)
}

// LengthPlot draws raw accuracy against input length L (log x) into path,
// one line per model, with the training lengths lo..hi shaded and chance
// as a dotted line.
func LengthPlot(path string, rec *harness.Record, lo, hi int, chance float64) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: held-out accuracy against input length (trained on L %d-%d, shaded)", rec.Task, lo, hi)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = "input length L"
	p.Y.Label.Text = "accuracy"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Y.Min, p.Y.Max = 0, 1.02
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, r := range rec.Results {
		for _, e := range r.Lengths {
			if e.L > 0 {
				xmin, xmax = math.Min(xmin, float64(e.L)), math.Max(xmax, float64(e.L))
			}
		}
	}
	if math.IsInf(xmin, 0) {
		return reports.ErrNoPoints
	}
	xlo := math.Max(1, math.Min(float64(lo), xmin)/1.2)
	xhi := math.Max(float64(hi), xmax) * 1.2
	p.X.Min, p.X.Max = xlo, xhi
	p.Legend.Top, p.Legend.Left = false, true
	// The training range first, so that the lines are drawn over it.
	shade, err := plotter.NewPolygon(plotter.XYs{{X: math.Max(float64(lo), xlo), Y: 0}, {X: float64(hi), Y: 0}, {X: float64(hi), Y: 1.02}, {X: math.Max(float64(lo), xlo), Y: 1.02}})
	if err != nil {
		return err
	}
	shade.Color = color.RGBA{0xdd, 0xdd, 0xdd, 0xff}
	shade.LineStyle.Width = 0
	ch, err := plotter.NewLine(plotter.XYs{{X: xlo, Y: chance}, {X: xhi, Y: chance}})
	if err != nil {
		return err
	}
	ch.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
	ch.Color = color.Gray{0x60}
	p.Add(shade, ch)
	for i, r := range rec.Results {
		var pts plotter.XYs
		for _, e := range r.Lengths {
			if e.L > 0 {
				pts = append(pts, plotter.XY{X: float64(e.L), Y: e.Accuracy})
			}
		}
		if len(pts) == 0 {
			continue
		}
		line, marks, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		line.Color, marks.Color = reports.SeriesColor(i), reports.SeriesColor(i)
		line.Width = vg.Points(1.5)
		p.Add(line, marks)
		p.Legend.Add(r.Name, line, marks)
	}
	p.Legend.Add("chance", ch)
	return savePlot(path, p, 7*vg.Inch, 4.5*vg.Inch)
}

// SuiteCell is one model on one task of a suite.
type SuiteCell struct {
	Raw, Scaled float64 // mean over the evaluation lengths (MeanEvalLengths)
	OK          bool    // false when the run has no per-length results
}

// Suite collects per-task records into a models × tasks grid (models in
// the order first seen).
func Suite(recs []*harness.Record) (modelNames, taskNames []string, cells [][]SuiteCell) {
	idx := map[string]int{}
	for _, rec := range recs {
		for _, r := range rec.Results {
			if _, ok := idx[r.Name]; !ok {
				idx[r.Name] = len(modelNames)
				modelNames = append(modelNames, r.Name)
			}
		}
	}
	cells = make([][]SuiteCell, len(modelNames))
	for i := range cells {
		cells[i] = make([]SuiteCell, len(recs))
	}
	for j, rec := range recs {
		taskNames = append(taskNames, rec.Task)
		for _, r := range rec.Results {
			raw, scaled := MeanEvalLengths(r)
			cells[idx[r.Name]][j] = SuiteCell{Raw: raw, Scaled: scaled, OK: !math.IsNaN(raw)}
		}
	}
	return modelNames, taskNames, cells
}

// SuiteTable writes the suite as Markdown: rows model, columns task; a
// cell is the mean over the evaluation lengths (not the training range) of
// the raw accuracy in % and, in parentheses, of the scaled accuracy.
func SuiteTable(w io.Writer, recs []*harness.Record) error {
	models, taskNames, cells := Suite(recs)
	header := append([]string{"model"}, taskNames...)
	var rows [][]string
	for i, m := range models {
		row := []string{m}
		for _, c := range cells[i] {
			if c.OK {
				row = append(row, accCell(c.Raw, c.Scaled))
			} else {
				row = append(row, "—")
			}
		}
		rows = append(rows, row)
	}
	return reports.Markdown(w, header, rows)
}

// SuiteHeatmap draws the suite in the style of xLSTM's Figure 4 (Beck et
// al. 2024): models × tasks, each cell coloured by its scaled accuracy
// (mean over the evaluation lengths, clamped to [0, 1] for the colour; blue
// 0, red 1) with the number written in it.
func SuiteHeatmap(path string, recs []*harness.Record) error {
	models, taskNames, cells := Suite(recs)
	if len(models) == 0 || len(taskNames) == 0 {
		return reports.ErrNoPoints
	}
	cmap := moreland.SmoothBlueRed()
	cmap.SetMin(0)
	cmap.SetMax(1)
	p := plot.New()
	p.Title.Text = "scaled accuracy (0 = chance, 1 = perfect)\nmean over the evaluation lengths"
	nT, nM := len(taskNames), len(models)
	var labels plotter.XYLabels
	var dark []bool // white text on the dark ends of the colour map
	for i := range models {
		y := float64(nM - 1 - i) // first model on top
		for j, c := range cells[i] {
			x := float64(j)
			col := color.Color(color.Gray{0xee})
			text := "—"
			if c.OK {
				col, _ = cmap.At(math.Max(0, math.Min(1, c.Scaled)))
				text = fmt.Sprintf("%.2f", c.Scaled)
			}
			box, err := plotter.NewPolygon(plotter.XYs{{X: x - .5, Y: y - .5}, {X: x + .5, Y: y - .5}, {X: x + .5, Y: y + .5}, {X: x - .5, Y: y + .5}})
			if err != nil {
				return err
			}
			box.Color = col
			box.LineStyle.Color = color.White
			p.Add(box)
			labels.XYs = append(labels.XYs, plotter.XY{X: x, Y: y})
			labels.Labels = append(labels.Labels, text)
			dark = append(dark, c.OK && (c.Scaled > 0.8 || c.Scaled < 0.15))
		}
	}
	lab, err := plotter.NewLabels(labels)
	if err != nil {
		return err
	}
	for i := range lab.TextStyle {
		lab.TextStyle[i].XAlign, lab.TextStyle[i].YAlign = draw.XCenter, draw.YCenter
		if dark[i] {
			lab.TextStyle[i].Color = color.White
		}
	}
	p.Add(lab)
	var xt, yt []plot.Tick
	for j, t := range taskNames {
		xt = append(xt, plot.Tick{Value: float64(j), Label: t})
	}
	for i, m := range models {
		yt = append(yt, plot.Tick{Value: float64(nM - 1 - i), Label: m})
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.ConstantTicks(xt), plot.ConstantTicks(yt)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -.5, float64(nT)-.5, -.5, float64(nM)-.5
	p.X.Tick.Label.Rotation = math.Pi / 6
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	width := math.Max(4.5, 2.2+float64(nT))
	return savePlot(path, p, vg.Length(width)*vg.Inch, vg.Length(1.8+0.45*float64(nM))*vg.Inch)
}

// savePlot renders p as a PNG of w × h and writes it atomically.
func savePlot(path string, p *plot.Plot, w, h vg.Length) error {
	img := vgimg.New(w, h)
	p.Draw(draw.New(img))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return err
	}
	return harness.WriteFileAtomic(path, buf.Bytes())
}
