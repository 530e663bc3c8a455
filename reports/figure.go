package reports

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"rnnbench/internal/atomicfile"
)

// Figure is what a paper prints: a title, panels on a grid, one legend for
// the whole figure in a strip on its right (outside every data area; one
// entry per model, since a model has one colour in every panel, plus the
// O(T)/O(T²) guides if any panel draws them) and a caption line under it
// naming what was measured (task, sizes, seeds, steps, machine).
type Figure struct {
	Title   string
	Caption string
	Cols    int // panels per row; 0 means 2
	Panels  []Panel
}

// FigureFormats are the files SaveFigure writes for one figure, by
// extension: a PNG for screens (PNGDPI), an SVG for the web page and a
// PDF for papers, all from the same drawing.
var FigureFormats = []string{".png", ".svg", ".pdf"}

// PNGDPI is the resolution of the PNG: 150 dots per inch, so a 6-inch
// panel is 900 pixels wide.
const PNGDPI = 150

// Figure geometry, in points: each panel is panelWidth × panelHeight; the
// title band, caption lines and legend strip are added around the grid.
const (
	panelWidth   = 6 * vg.Inch
	panelHeight  = 4 * vg.Inch
	titleBand    = 26
	captionLine  = 12
	captionFont  = 8.5
	legendMargin = 8

	panelTitleBand = vg.Length(24) // room above each panel for its title
)

// SaveFigure draws fig and writes it as PNG, SVG and PDF: path names the
// PNG ("loss.png"); the SVG and PDF get the same name with their
// extension. Each file is written atomically (internal/atomicfile). It
// returns the paths written (PNG first), or an error if fig has no panels,
// a series has len(X) != len(Y) (wrapping ErrShape), a panel has no
// drawable points (wrapping ErrNoPoints), or writing fails.
func SaveFigure(path string, fig Figure) ([]string, error) {
	base := strings.TrimSuffix(path, filepath.Ext(path))
	var written []string
	for _, ext := range FigureFormats {
		var buf bytes.Buffer
		if err := RenderFigure(&buf, ext, fig); err != nil {
			return written, fmt.Errorf("reports: figure %s: %w", base+ext, err)
		}
		if err := atomicfile.WriteFile(base+ext, buf.Bytes()); err != nil {
			return written, fmt.Errorf("reports: writing %s: %w", base+ext, err)
		}
		written = append(written, base+ext)
	}
	return written, nil
}

// RenderFigure draws fig in one format (".png", ".svg" or ".pdf") to w.
// Errors are SaveFigure's, or an unknown format.
func RenderFigure(w io.Writer, format string, fig Figure) error {
	lay, err := layoutFigure(fig)
	if err != nil {
		return err
	}
	var cw vg.CanvasWriterTo
	switch format {
	case ".png":
		cw = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(lay.w, lay.h), vgimg.UseDPI(PNGDPI), vgimg.UseBackgroundColor(color.White))}
	case ".svg":
		cw = vgsvg.New(lay.w, lay.h)
	case ".pdf":
		p := vgpdf.New(lay.w, lay.h)
		p.EmbedFonts(true)
		cw = p
	default:
		return fmt.Errorf("unknown figure format %q: allowed %s", format, strings.Join(FigureFormats, ", "))
	}
	lay.draw(draw.New(cw))
	_, err = cw.WriteTo(w)
	return err
}

// figureLayout is a figure ready to draw: its plots, legend and size.
type figureLayout struct {
	fig        Figure
	grid       [][]*plot.Plot
	rows, cols int
	legend     plot.Legend
	legendW    vg.Length
	caption    []string
	w, h       vg.Length
}

func layoutFigure(fig Figure) (*figureLayout, error) {
	if len(fig.Panels) == 0 {
		return nil, fmt.Errorf("no panels")
	}
	cols := fig.Cols
	if cols <= 0 {
		cols = 2
	}
	cols = min(cols, len(fig.Panels))
	rows := (len(fig.Panels) + cols - 1) / cols
	l := &figureLayout{fig: fig, rows: rows, cols: cols, grid: make([][]*plot.Plot, rows)}
	for i := range l.grid {
		l.grid[i] = make([]*plot.Plot, cols)
	}
	l.legend = plot.NewLegend()
	l.legend.Top, l.legend.Left = true, true
	l.legend.TextStyle.Font.Size = vg.Points(10)
	seen := map[string]bool{}
	nLegend := 0
	for i, pn := range fig.Panels {
		p, entries, err := newPlot(pn)
		if err != nil {
			return nil, fmt.Errorf("panel %d %q: %w", i, pn.Title, err)
		}
		l.grid[i/cols][i%cols] = p
		for _, e := range entries {
			if !seen[e.name] {
				seen[e.name] = true
				l.legend.Add(e.name, e.thumbs...)
				nLegend++
			}
		}
	}
	if nLegend > 0 {
		probe := draw.New(vgimg.New(panelWidth, panelHeight))
		l.legendW = l.legend.Rectangle(probe).Size().X + 2*legendMargin
	}
	l.w = panelWidth*vg.Length(cols) + l.legendW
	sty := captionStyle()
	l.caption = wrapText(fig.Caption, sty, l.w-16)
	l.h = panelHeight*vg.Length(rows) + vg.Length(captionLine*len(l.caption)) + 6
	if fig.Title != "" {
		l.h += titleBand
	}
	return l, nil
}

func (l *figureLayout) draw(dc draw.Canvas) {
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	top := dc.Max.Y
	if l.fig.Title != "" {
		sty := plot.New().Title.TextStyle
		sty.Font.Size = vg.Points(14)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		dc.FillText(sty, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: top - 6}, l.fig.Title)
		top -= titleBand
	}
	capH := vg.Length(captionLine*len(l.caption)) + 6
	cst := captionStyle()
	for i, line := range l.caption {
		dc.FillText(cst, vg.Point{X: dc.Min.X + 8, Y: dc.Min.Y + capH - 4 - vg.Length(captionLine*i)}, line)
	}
	gridArea := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: dc.Min.X, Y: dc.Min.Y + capH},
		Max: vg.Point{X: dc.Max.X - l.legendW, Y: top},
	}}
	// Panel titles are drawn here, above the aligned data areas, so that
	// the titles of a row sit on one line (gonum draws a plot's title at
	// the top of its canvas, which Align shifts by each plot's padding).
	tiles := draw.Tiles{Rows: l.rows, Cols: l.cols, PadTop: panelTitleBand, PadBottom: vg.Points(4),
		PadLeft: vg.Points(4), PadRight: vg.Points(8), PadX: vg.Points(16), PadY: panelTitleBand + 8}
	titles := make([][]string, len(l.grid))
	for r := range l.grid {
		titles[r] = make([]string, len(l.grid[r]))
		for c, p := range l.grid[r] {
			if p != nil {
				titles[r][c], p.Title.Text = p.Title.Text, ""
			}
		}
	}
	canvases := plot.Align(l.grid, tiles, gridArea)
	for r := range l.grid {
		for c, p := range l.grid[r] {
			if p == nil {
				continue
			}
			p.Draw(canvases[r][c])
			if titles[r][c] != "" {
				da := p.DataCanvas(canvases[r][c])
				sty := p.Title.TextStyle
				sty.XAlign, sty.YAlign = draw.XCenter, draw.YBottom
				dc.FillText(sty, vg.Point{X: (da.Min.X + da.Max.X) / 2, Y: da.Max.Y + 9}, titles[r][c])
				p.Title.Text = titles[r][c]
			}
		}
	}
	if l.legendW > 0 {
		legArea := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: dc.Max.X - l.legendW + legendMargin, Y: dc.Min.Y + capH},
			Max: vg.Point{X: dc.Max.X - legendMargin, Y: top - 8},
		}}
		l.legend.Draw(legArea)
	}
}

func captionStyle() draw.TextStyle {
	sty := plot.New().Title.TextStyle
	sty.Font = font.From(plot.DefaultFont, vg.Points(captionFont))
	sty.Color = color.Gray{0x40}
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YTop
	return sty
}

// wrapText splits s into lines no wider than width in sty, at spaces.
func wrapText(s string, sty draw.TextStyle, width vg.Length) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		try := w
		if line != "" {
			try = line + " " + w
		}
		if line != "" && sty.Width(try) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		line = try
	}
	return append(lines, line)
}
