package reports

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"rnnbench/internal/atomicfile"
)

// ErrNoPoints reports a panel with nothing to draw.
var ErrNoPoints = errors.New("reports: panel has no drawable points")

// Series is one line of a panel: point i is (X[i], Y[i]). Points with a
// NaN or infinite coordinate, and points with a non-positive coordinate on
// a log axis, are dropped.
type Series struct {
	Name string
	X, Y []float64
	// Color is 1 + the index of the series' colour (and marker shape) in
	// the palette, so that one model keeps its colour across panels; 0
	// takes the series' position in its panel.
	Color int
	// Dashed draws the line dashed, e.g. to tell a model's held-out loss
	// from its training loss in the same colour.
	Dashed bool
}

// style returns the palette index of series i of a panel.
func (s Series) style(i int) int {
	if s.Color > 0 {
		return s.Color - 1
	}
	return i
}

// Panel is one plot: a title, axis labels, optional log axes and its lines.
type Panel struct {
	Title, XLabel, YLabel string
	LogX, LogY            bool
	Series                []Series
}

// Panel geometry of SavePNG, at vgimg's default 96 dpi: 576×384 pixels.
const (
	panelWidth  = 6 * vg.Inch
	panelHeight = 4 * vg.Inch
)

// SavePNG draws the panels on a grid of cols columns (rows as needed,
// filled left to right, top to bottom) into one PNG at path, 6 inches wide
// per column and 4 inches high per row at 96 dpi (576×384 pixels per cell).
// Each series is a coloured line with point markers and a legend entry; log
// axes use plot.LogScale with labels at powers of ten (and at 2 and 5 times
// them when a decade alone would leave fewer than two labels). Series with
// no drawable points are left out. The file is written to a temporary file
// in the same directory and renamed, so readers never see a partial PNG.
// It returns an error if cols < 1, there are no panels, a series has
// len(X) != len(Y) (wrapping ErrShape), a panel has no drawable points
// (wrapping ErrNoPoints), or writing fails.
func SavePNG(path string, cols int, panels ...Panel) error {
	if cols < 1 {
		return fmt.Errorf("reports: SavePNG: cols = %d, want >= 1", cols)
	}
	if len(panels) == 0 {
		return fmt.Errorf("reports: SavePNG %s: no panels", path)
	}
	cols = min(cols, len(panels))
	rows := (len(panels) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
	}
	for i, pn := range panels {
		p, err := newPlot(pn)
		if err != nil {
			return fmt.Errorf("reports: SavePNG %s: panel %d %q: %w", path, i, pn.Title, err)
		}
		grid[i/cols][i%cols] = p
	}

	img := vgimg.New(panelWidth*vg.Length(cols), panelHeight*vg.Length(rows))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadTop: vg.Points(4), PadBottom: vg.Points(4),
		PadLeft: vg.Points(4), PadRight: vg.Points(8), PadX: vg.Points(16), PadY: vg.Points(16)}
	canvases := plot.Align(grid, tiles, dc)
	for r := range grid {
		for c, p := range grid[r] {
			if p != nil {
				drawPanel(p, canvases[r][c], len(panels[r*cols+c].Series))
			}
		}
	}
	if err := atomicfile.Write(path, func(f io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(f)
		return err
	}); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	return nil
}

// legendInside is the most legend entries drawn inside a panel's data
// area; a panel with more gets its legend outside, at the top of a strip
// on its right, where it covers no line.
const legendInside = 5

// drawPanel draws p on c, with its legend in a strip on the right of c
// when it has more than legendInside entries.
func drawPanel(p *plot.Plot, c draw.Canvas, entries int) {
	if entries <= legendInside {
		p.Draw(c)
		return
	}
	leg := p.Legend
	leg.Top, leg.Left = true, true
	leg.XOffs, leg.YOffs = 0, -vg.Points(4)
	leg.TextStyle.Font.Size = vg.Points(10)
	w := leg.Rectangle(c).Size().X + vg.Points(6)
	if w > (c.Max.X-c.Min.X)/2 { // names too long for a strip: keep it inside
		p.Draw(c)
		return
	}
	p.Legend = plot.NewLegend()
	p.Draw(draw.Crop(c, 0, -w, 0, 0))
	leg.Draw(draw.Crop(c, c.Max.X-c.Min.X-w+vg.Points(6), 0, 0, 0))
	p.Legend = leg
}

// newPlot builds the gonum plot of one panel.
func newPlot(pn Panel) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = pn.Title
	p.X.Label.Text = pn.XLabel
	p.Y.Label.Text = pn.YLabel
	p.Add(plotter.NewGrid())
	var rising, falling int
	drawn := 0
	for i, s := range pn.Series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("%w: series %q has %d x and %d y values", ErrShape, s.Name, len(s.X), len(s.Y))
		}
		xys := drawable(s, pn.LogX, pn.LogY)
		if len(xys) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, fmt.Errorf("series %q: %w", s.Name, err)
		}
		k := s.style(i)
		line.Color = seriesColor(k)
		line.Width = vg.Points(1.5)
		if s.Dashed {
			line.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		points.Color = seriesColor(k)
		points.Shape = plotutil.Shape(k)
		points.Radius = vg.Points(3)
		p.Add(line, points)
		p.Legend.Add(s.Name, line, points)
		if xys[len(xys)-1].Y > xys[0].Y {
			rising++
		} else {
			falling++
		}
		drawn += len(xys)
	}
	if drawn == 0 {
		return nil, ErrNoPoints
	}
	// Put the legend in the corner the lines are least likely to cross.
	p.Legend.Top = true
	p.Legend.Left = rising > falling
	p.Legend.YOffs = -vg.Points(4)
	p.Legend.XOffs = -vg.Points(4)
	if p.Legend.Left {
		p.Legend.XOffs = vg.Points(8)
	}
	if pn.LogX {
		logAxis(&p.X)
	}
	if pn.LogY {
		logAxis(&p.Y)
	}
	return p, nil
}

// drawable returns the points of s that can be drawn on the given axes.
func drawable(s Series, logX, logY bool) plotter.XYs {
	var xys plotter.XYs
	for i := range s.X {
		x, y := s.X[i], s.Y[i]
		if !finite(x) || !finite(y) || (logX && x <= 0) || (logY && y <= 0) {
			continue
		}
		xys = append(xys, plotter.XY{X: x, Y: y})
	}
	return xys
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// logAxis makes a a log axis over its current, positive data range.
// A single value is widened to a factor of 2 either side, since gonum's
// ±1 widening could reach zero.
func logAxis(a *plot.Axis) {
	if a.Min == a.Max {
		a.Min, a.Max = a.Min/2, a.Max*2
	}
	a.Scale = plot.LogScale{}
	a.Tick.Marker = logTicks{}
}

// logTicks labels the powers of ten from plot.LogTicks. When fewer than
// two labels fall inside the axis range it also labels the minor ticks at
// 2 and 5 times a power of ten, and failing that uses linear ticks, so a
// narrow range still gets at least two numbers. No label appears twice.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.LogTicks{Prec: -1}.Ticks(lo, hi)
	if labelsIn(ticks, lo, hi) >= 2 {
		return uniqueLabels(ticks)
	}
	for i := range ticks {
		if v := ticks[i].Value; ticks[i].Label == "" && v > 0 {
			// Only 2× and 5× a power of ten, so that labels do not crowd.
			if m := v / math.Pow(10, math.Floor(math.Log10(v))); math.Abs(m-2) < 1e-9 || math.Abs(m-5) < 1e-9 {
				ticks[i].Label = tickLabel(v)
			}
		}
	}
	ticks = uniqueLabels(ticks)
	if labelsIn(ticks, lo, hi) >= 2 {
		return ticks
	}
	return uniqueLabels(plot.DefaultTicks{}.Ticks(lo, hi))
}

// tickLabel formats a tick value without exponents from 0.001 to 10⁹.
func tickLabel(v float64) string {
	if v >= 1e-3 && v < 1e9 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// uniqueLabels clears the label of every tick whose label an earlier tick
// already carries: plot.LogTicks gives each power of ten both as a major
// tick and as the 1× minor tick of its decade, which would draw "100"
// twice once minor ticks are labelled.
func uniqueLabels(ticks []plot.Tick) []plot.Tick {
	seen := map[string]bool{}
	for i := range ticks {
		if l := ticks[i].Label; l != "" {
			if seen[l] {
				ticks[i].Label = ""
			}
			seen[l] = true
		}
	}
	return ticks
}

// labelsIn counts the labelled ticks within [lo, hi].
func labelsIn(ticks []plot.Tick, lo, hi float64) int {
	n := 0
	for _, t := range ticks {
		if t.Label != "" && t.Value >= lo && t.Value <= hi {
			n++
		}
	}
	return n
}

// palette has ten distinguishable colours (Tableau 10), so the eight
// model/mode lines of a sweep never share one.
var palette = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff}, {0xd6, 0x27, 0x28, 0xff},
	{0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff}, {0xe3, 0x77, 0xc2, 0xff}, {0x7f, 0x7f, 0x7f, 0xff},
	{0xbc, 0xbd, 0x22, 0xff}, {0x17, 0xbe, 0xcf, 0xff},
}

func seriesColor(i int) color.Color { return palette[i%len(palette)] }
