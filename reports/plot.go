package reports

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// ErrNoPoints reports a panel with nothing to draw.
var ErrNoPoints = errors.New("reports: panel has no drawable points")

// Series is one line of a panel: point i is (X[i], Y[i]). Points with a
// NaN or infinite coordinate, and points with a non-positive coordinate on
// a log axis, are dropped.
type Series struct {
	Name string
	X, Y []float64
	// Key is the model name that fixes the series' colour and marker
	// (ModelColor), so that one model looks the same in every figure; ""
	// takes Name.
	Key string
	// Color, if > 0, overrides Key: 1 + the index of the series' colour
	// (and marker shape) in the Tableau 10 palette, for series that are
	// not models.
	Color int
	// Dashed draws the line dashed, e.g. to tell a model's held-out loss
	// from its training loss in the same colour.
	Dashed bool
	// HideLegend leaves the series out of the figure's legend (a second
	// line of a model already listed).
	HideLegend bool
	// Lo and Hi, if both have len(X) values, shade the band between them
	// in the series' colour (a seed band: min–max or a confidence
	// interval over seeds). Points dropped from the line are dropped from
	// the band too.
	Lo, Hi []float64
}

// Panel is one plot: a title, axis labels, optional log axes and its lines.
type Panel struct {
	Title, XLabel, YLabel string
	LogX, LogY            bool
	Series                []Series
	// XTicks, if set, are the only labelled x ticks (a sweep's lengths).
	XTicks []float64
	// Guides are exponents k of dashed grey reference lines y ∝ x^k
	// (O(T), O(T²) on time plots), anchored at the geometric mean of the
	// series' values at the smallest x. They do not widen the y range.
	Guides []float64
	Bands  []Band // shaded spreads drawn under the lines (band.go)
}

// SavePNG draws the panels on a grid of cols columns (rows as needed,
// filled left to right, top to bottom) as one untitled Figure and writes it
// with SaveFigure: the PNG at path and its SVG and PDF beside it.
func SavePNG(path string, cols int, panels ...Panel) error {
	if cols < 1 {
		return fmt.Errorf("reports: SavePNG: cols = %d, want >= 1", cols)
	}
	if len(panels) == 0 {
		return fmt.Errorf("reports: SavePNG %s: no panels", path)
	}
	_, err := SaveFigure(path, Figure{Cols: cols, Panels: panels})
	return err
}

// legendEntry is one line of a figure's legend.
type legendEntry struct {
	name   string
	thumbs []plot.Thumbnailer
}

// newPlot builds the gonum plot of one panel (its own legend left empty)
// and returns the legend entries of its series and guides.
func newPlot(pn Panel) (*plot.Plot, []legendEntry, error) {
	p := plot.New()
	p.Title.Text = pn.Title
	p.X.Label.Text = pn.XLabel
	p.Y.Label.Text = pn.YLabel
	p.Add(plotter.NewGrid())
	addBands(p, pn)
	var entries []legendEntry
	drawn := 0
	yMin, yMax := math.Inf(1), math.Inf(-1)
	var firstX []plotter.XY // each series' point at its smallest x
	for i, s := range pn.Series {
		if len(s.X) != len(s.Y) {
			return nil, nil, fmt.Errorf("%w: series %q has %d x and %d y values", ErrShape, s.Name, len(s.X), len(s.Y))
		}
		xys := drawable(s, pn.LogX, pn.LogY)
		if len(xys) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, nil, fmt.Errorf("series %q: %w", s.Name, err)
		}
		col, shape := s.look(i)
		line.Color = col
		line.Width = vg.Points(1.5)
		if s.Dashed {
			line.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		points.Color = col
		points.Shape = plotutil.Shape(shape)
		points.Radius = vg.Points(3)
		if band := bandPolygon(s, pn.LogX, pn.LogY, col); band != nil {
			p.Add(band)
		}
		p.Add(line, points)
		if !s.HideLegend {
			entries = append(entries, legendEntry{s.Name, []plot.Thumbnailer{line, points}})
		}
		lo := xys[0]
		for _, xy := range xys {
			yMin, yMax = math.Min(yMin, xy.Y), math.Max(yMax, xy.Y)
			if xy.X < lo.X {
				lo = xy
			}
		}
		firstX = append(firstX, lo)
		drawn += len(xys)
	}
	if drawn == 0 {
		return nil, nil, ErrNoPoints
	}
	for _, k := range pn.Guides {
		if g := guideLine(k, firstX, p.X.Min, p.X.Max); g != nil {
			p.Add(g)
			entries = append(entries, legendEntry{guideName(k), []plot.Thumbnailer{g}})
		}
	}
	if len(pn.Guides) > 0 { // the guides must not stretch the data's range
		p.Y.Min, p.Y.Max = yMin, yMax
	}
	if pn.LogX {
		logAxis(&p.X)
	} else {
		p.X.Tick.Marker = niceTicks{}
	}
	if len(pn.XTicks) > 0 {
		p.X.Tick.Marker = fixedTicks(pn.XTicks)
	}
	if pn.LogY {
		logAxis(&p.Y)
	} else {
		p.Y.Tick.Marker = niceTicks{}
	}
	return p, entries, nil
}

// bandPolygon returns the shaded band of s between Lo and Hi, or nil.
func bandPolygon(s Series, logX, logY bool, col color.Color) *plotter.Polygon {
	if len(s.Lo) != len(s.X) || len(s.Hi) != len(s.X) || len(s.X) < 2 {
		return nil
	}
	lo := drawable(Series{X: s.X, Y: s.Lo}, logX, logY)
	hi := drawable(Series{X: s.X, Y: s.Hi}, logX, logY)
	if len(lo) != len(hi) || len(lo) < 2 {
		return nil
	}
	ring := append(plotter.XYs{}, lo...)
	for i := len(hi) - 1; i >= 0; i-- {
		ring = append(ring, hi[i])
	}
	poly, err := plotter.NewPolygon(ring)
	if err != nil {
		return nil
	}
	r, g, b, _ := col.RGBA()
	poly.Color = color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0x40}
	poly.LineStyle.Width = 0
	return poly
}

// look returns the colour and marker shape of series i of a panel.
func (s Series) look(i int) (color.Color, int) {
	if s.Color > 0 {
		return SeriesColor(s.Color - 1), s.Color - 1
	}
	key := s.Key
	if key == "" {
		key = s.Name
	}
	if key == "" {
		return spareColors[i%len(spareColors)], i
	}
	return ModelColor(key), modelShape(key)
}

// guideLine returns the dashed reference line y = y0·(x/x0)^k over
// [xlo, xhi], where x0 is the smallest x of the series and y0 the
// geometric mean of their values there; nil without a positive anchor.
func guideLine(k float64, firstX []plotter.XY, xlo, xhi float64) *plotter.Line {
	x0 := math.Inf(1)
	for _, xy := range firstX {
		x0 = math.Min(x0, xy.X)
	}
	var logSum float64
	n := 0
	for _, xy := range firstX {
		if xy.X == x0 && xy.Y > 0 {
			logSum += math.Log(xy.Y)
			n++
		}
	}
	if n == 0 || x0 <= 0 || !(xhi > xlo) {
		return nil
	}
	y0 := math.Exp(logSum / float64(n))
	var xys plotter.XYs
	for i := 0; i <= 16; i++ { // straight on log-log axes; 17 points keep it smooth on linear ones
		x := xlo * math.Pow(xhi/xlo, float64(i)/16)
		xys = append(xys, plotter.XY{X: x, Y: y0 * math.Pow(x/x0, k)})
	}
	g, err := plotter.NewLine(xys)
	if err != nil {
		return nil
	}
	g.Color = color.Gray{0x80}
	g.Width = vg.Points(1)
	g.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
	if k >= 2 {
		g.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
	}
	return g
}

// guideName is "O(T)", "O(T²)" or "O(T^k)".
func guideName(k float64) string {
	switch k {
	case 1:
		return "O(T) guide"
	case 2:
		return "O(T²) guide"
	}
	return "O(T^" + strconv.FormatFloat(k, 'g', -1, 64) + ") guide"
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

// logTicks marks a log axis at 1…9 × 10^k. Over three decades or more
// only the powers of ten are labelled; over less, 1, 2 and 5 × 10^k are,
// and a range too narrow for two of those gets linear niceTicks, so every
// axis shows at least two numbers. No label appears twice.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) || math.IsInf(hi, 0) {
		return niceTicks{}.Ticks(lo, hi)
	}
	wide := math.Log10(hi/lo) >= 3
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		p := math.Pow(10, e)
		for m := 1; m <= 9; m++ {
			v := roundTo(float64(m)*p, p)
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || (!wide && (m == 2 || m == 5)) {
				t.Label = tickLabel(v)
			}
			ticks = append(ticks, t)
		}
	}
	ticks = uniqueLabels(ticks)
	if labelsIn(ticks, lo, hi) >= 2 {
		return ticks
	}
	return niceTicks{}.Ticks(lo, hi)
}

// tickLabel formats a tick value without exponents from 0.001 to 10⁹.
func tickLabel(v float64) string {
	if v == 0 {
		return "0" // never "-0"
	}
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

// BandSeries returns the series of one model measured in several runs
// (seeds): runs[k][i] is run k's value at x[i]. The line is the median
// over the runs at each x and the shaded band spans their minimum to
// maximum; a NaN of one run is left out of its x. key is the model name
// (its colour). It panics if a run's length differs from len(x).
func BandSeries(name, key string, x []float64, runs [][]float64) Series {
	s := Series{Name: name, Key: key, X: x, Y: make([]float64, len(x)), Lo: make([]float64, len(x)), Hi: make([]float64, len(x))}
	for i := range x {
		var v []float64
		for k, r := range runs {
			if len(r) != len(x) {
				panic(fmt.Sprintf("reports: BandSeries %s: run %d has %d values for %d x", name, k, len(r), len(x)))
			}
			if !math.IsNaN(r[i]) {
				v = append(v, r[i])
			}
		}
		if len(v) == 0 {
			s.Y[i], s.Lo[i], s.Hi[i] = math.NaN(), math.NaN(), math.NaN()
			continue
		}
		slices.Sort(v)
		s.Y[i], s.Lo[i], s.Hi[i] = v[len(v)/2], v[0], v[len(v)-1]
		if len(v)%2 == 0 {
			s.Y[i] = (v[len(v)/2-1] + v[len(v)/2]) / 2
		}
	}
	return s
}
