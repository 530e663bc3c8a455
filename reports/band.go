package reports

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// Band is a shaded area of a panel between Lo and Hi at each X, in the
// colour of the series with the same Color (see Series.Color): the spread
// of a model's curve over seeds.
type Band struct {
	X, Lo, Hi []float64
	Color     int // 1 + palette index, as Series.Color
}

// addBands draws the panel's bands on p, translucent, beneath nothing in
// particular: a band is light enough that the lines show through it.
// Points with a non-finite coordinate, or a non-positive one on a log
// axis, are left out; a band with fewer than two points is not drawn.
func addBands(p *plot.Plot, pn Panel) {
	for _, b := range pn.Bands {
		var upper, lower plotter.XYs
		for i := range b.X {
			if i >= len(b.Lo) || i >= len(b.Hi) {
				break
			}
			x, lo, hi := b.X[i], b.Lo[i], b.Hi[i]
			if !finite(x) || !finite(lo) || !finite(hi) || (pn.LogX && x <= 0) || (pn.LogY && lo <= 0) {
				continue
			}
			upper = append(upper, plotter.XY{X: x, Y: hi})
			lower = append(lower, plotter.XY{X: x, Y: lo})
		}
		if len(upper) < 2 {
			continue
		}
		ring := append(plotter.XYs{}, upper...)
		for i := len(lower) - 1; i >= 0; i-- {
			ring = append(ring, lower[i])
		}
		poly, err := plotter.NewPolygon(ring)
		if err != nil {
			continue
		}
		c := palette[max(b.Color-1, 0)%len(palette)]
		poly.Color = color.NRGBA{c.R, c.G, c.B, 0x38}
		poly.LineStyle.Width = 0
		p.Add(poly)
	}
}
