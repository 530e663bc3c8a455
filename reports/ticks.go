package reports

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// niceTicks is a linear tick marker whose labelled ticks are at multiples
// of 1, 2 or 5 × 10^k, about five over the range, with minor ticks between
// them, and whose labels carry no trailing zeros ("17.5", "20", never
// "17.50" or "2e+01").
type niceTicks struct{}

func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return []plot.Tick{{Value: lo, Label: tickLabel(lo)}}
	}
	step, minor := niceStep((hi - lo) / 5)
	var ticks []plot.Tick
	first := math.Ceil(lo/minor-1e-9) * minor
	for v := first; v <= hi+minor*1e-9; v += minor {
		v = roundTo(v, minor)
		t := plot.Tick{Value: v}
		if r := math.Abs(math.Remainder(v, step)); r < step*1e-6 {
			t.Label = tickLabel(roundTo(v, step))
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// niceStep returns the 1, 2 or 5 × 10^k step nearest above raw, and the
// minor step under it.
func niceStep(raw float64) (step, minor float64) {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	switch m := raw / p; {
	case m <= 1:
		return p, p / 5
	case m <= 2:
		return 2 * p, p / 2
	case m <= 5:
		return 5 * p, p
	}
	return 10 * p, 2 * p
}

// roundTo rounds v to the decimal places of step, removing the float
// residue of repeated addition (0.30000000000000004).
func roundTo(v, step float64) float64 {
	d := max(0, -int(math.Floor(math.Log10(step)))+1)
	s := strconv.FormatFloat(v, 'f', d, 64)
	r, _ := strconv.ParseFloat(s, 64)
	return r
}

// fixedTicks labels exactly the given values (the swept lengths of a sweep
// plot) and nothing else; values outside the axis range are dropped.
type fixedTicks []float64

func (f fixedTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for _, v := range f {
		if v >= lo*(1-1e-9) && v <= hi*(1+1e-9) {
			ticks = append(ticks, plot.Tick{Value: v, Label: tickLabel(v)})
		}
	}
	if len(ticks) < 2 {
		return logTicks{}.Ticks(lo, hi)
	}
	return ticks
}
