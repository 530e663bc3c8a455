package reports

import (
	"hash/fnv"
	"image/color"
	"strings"
)

// One palette keyed by model name, so that a model has the same colour
// (and marker) in every figure of every report: training curves, sweep
// plots, seed bands. The two minimal RNNs get one hue family each (blues
// for minGRU, oranges for minLSTM), their modes shades of it; the
// baselines get the remaining Tableau 10 hues. A name not listed (a model
// added later) takes a colour from the spare list by a hash of its name,
// so it too is stable across figures.
var modelColors = map[string]color.RGBA{
	"mingru/parallel":    rgb(0x1f77b4),
	"mingru/sequential":  rgb(0x6baed6),
	"mingru/linear":      rgb(0x17becf),
	"mingru/chunked":     rgb(0x08306b),
	"minlstm/parallel":   rgb(0xff7f0e),
	"minlstm/sequential": rgb(0xfdae6b),
	"minlstm/linear":     rgb(0xbcbd22),
	"minlstm/chunked":    rgb(0xa63603),
	"gru":                rgb(0x2ca02c),
	"lstm":               rgb(0xd62728),
	"transformer":        rgb(0x9467bd),
	"mamba":              rgb(0x8c564b),
}

// modelShapes fixes each known model's marker (plotutil.Shape index).
var modelShapes = map[string]int{
	"mingru/parallel": 0, "mingru/sequential": 1, "mingru/linear": 2, "mingru/chunked": 3,
	"minlstm/parallel": 0, "minlstm/sequential": 1, "minlstm/linear": 2, "minlstm/chunked": 3,
	"gru": 4, "lstm": 5, "transformer": 6, "mamba": 2,
}

// spareColors serve names not in modelColors.
var spareColors = []color.RGBA{rgb(0xe377c2), rgb(0x7f7f7f), rgb(0x393b79), rgb(0x637939), rgb(0xad494a), rgb(0x7b4173)}

// defaultModes maps a bare mixer name to its default mode's entry.
var defaultModes = map[string]string{"mingru": "mingru/parallel", "minlstm": "minlstm/parallel"}

// ModelColor returns the colour of a model ("mingru/parallel", "gru", or
// a bare "mingru", which is its default mode). Any other name gets a
// stable colour from a spare list.
func ModelColor(name string) color.RGBA {
	key := modelKey(name)
	if c, ok := modelColors[key]; ok {
		return c
	}
	return spareColors[hashName(key)%uint32(len(spareColors))]
}

// modelShape returns the marker shape index of a model name.
func modelShape(name string) int {
	key := modelKey(name)
	if s, ok := modelShapes[key]; ok {
		return s
	}
	return int(hashName(key) % 7)
}

func modelKey(name string) string {
	key := strings.ToLower(strings.TrimSpace(name))
	if d, ok := defaultModes[key]; ok {
		return d
	}
	return key
}

func hashName(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

func rgb(v uint32) color.RGBA {
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
}

// palette has ten distinguishable colours (Tableau 10), for series
// coloured by position (Series.Color) rather than by model.
var palette = []color.RGBA{
	rgb(0x1f77b4), rgb(0xff7f0e), rgb(0x2ca02c), rgb(0xd62728), rgb(0x9467bd),
	rgb(0x8c564b), rgb(0xe377c2), rgb(0x7f7f7f), rgb(0xbcbd22), rgb(0x17becf),
}

// SeriesColor is the i-th colour of the palette, cycling.
func SeriesColor(i int) color.Color { return palette[i%len(palette)] }
