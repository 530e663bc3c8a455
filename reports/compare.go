package reports

import (
	"math"
	"slices"
	"strings"
)

// Thresholds are relative tolerances, |new-base|/|base|, per MetricKind.
// A change in the worse direction larger than the tolerance is a
// regression; exactly at the tolerance is ok.
type Thresholds struct {
	Exact, Timing, Memory float64
}

// DefaultThresholds: Exact 1e-9 (equal up to float formatting), Timing 0.25
// (shared CI machines easily vary by 10–20%), Memory 0.20. Compare uses
// these for zero fields of CompareOptions.Thresholds.
var DefaultThresholds = Thresholds{Exact: 1e-9, Timing: 0.25, Memory: 0.20}

// TimingMode says what Compare does with Timing metrics.
type TimingMode int

const (
	TimingFail TimingMode = iota // timing regressions fail like any other
	TimingWarn                   // timing regressions get verdict "warn" and never fail
	TimingOff                    // timing rows are omitted
)

// CompareOptions configures Compare; the zero value uses DefaultThresholds,
// fails on timing regressions and does not calibrate.
//
// Calibration names a result present in both sets, such as
// "BenchmarkCalibrate/kernel=sgemm", whose ns/op measures machine speed.
// With r = its median ns/op in new divided by that in base, every Timing
// metric of new is divided by r when lower is better (ns/*) and multiplied
// by r when higher is better (tokens/s, GFLOP/s) before comparison, and the
// rows show those adjusted values. A machine that is uniformly 2× slower
// then shows no regression. This matters because CI runs on noisy,
// heterogeneous machines: the baseline may have been recorded on another
// CPU model, and raw timings would mix machine and code changes. The
// calibration's own Timing rows keep raw values and verdict "ok" (their
// change is the machine speed ratio). If the calibration result or its
// ns/op is absent from either set, or not positive, timing is compared
// unadjusted and the calibration's ns/op row gets verdict "missing" (in
// TimingFail mode, which then reports a regression) or "warn".
type CompareOptions struct {
	Thresholds  Thresholds
	Timing      TimingMode
	Calibration string
}

// Row is one (benchmark, unit) comparison. Base and New are medians over
// repetitions (New adjusted by calibration for Timing units); a value absent
// from one set is NaN, as is ChangePct then. ChangePct is
// 100·(New-Base)/|Base| (±Inf when Base is 0 and New is not).
// Verdict is one of "ok", "improved", "REGRESSED", "warn" (a timing
// regression in TimingWarn mode), "new" (only in new) or "missing" (only
// in base).
type Row struct {
	Name, Unit           string
	Base, New, ChangePct float64
	Verdict              string
}

type metricKey struct{ name, unit string }

// Compare compares new results against base and returns one row for every
// (name, unit) in either set, sorted by name then unit, and whether
// anything regressed: a "REGRESSED" or "missing" row. When a name appears
// several times (repetitions) the median of its values is compared; a
// median containing NaN is NaN. NaN compares equal to NaN, worse than any
// number when it appears in new, and better when it disappears.
// Improvements never set regressed.
func Compare(base, new []Result, opt CompareOptions) (rows []Row, regressed bool) {
	tol := opt.Thresholds
	tol.Exact = orDefault(tol.Exact, DefaultThresholds.Exact)
	tol.Timing = orDefault(tol.Timing, DefaultThresholds.Timing)
	tol.Memory = orDefault(tol.Memory, DefaultThresholds.Memory)
	b, n := medians(base), medians(new)

	ratio, calibrated := 1.0, false
	if opt.Calibration != "" && opt.Timing != TimingOff {
		k := metricKey{opt.Calibration, "ns/op"}
		cb, okb := b[k]
		cn, okn := n[k]
		if okb && okn && cb > 0 && cn > 0 && !math.IsInf(cb, 0) && !math.IsInf(cn, 0) {
			ratio, calibrated = cn/cb, true
		}
	}

	keys := make(map[metricKey]bool)
	for k := range b {
		keys[k] = true
	}
	for k := range n {
		keys[k] = true
	}
	for k := range keys {
		dir, kind := Classify(k.unit)
		if kind == Timing && opt.Timing == TimingOff {
			continue
		}
		bv, inBase := b[k]
		nv, inNew := n[k]
		row := Row{Name: k.name, Unit: k.unit, Base: math.NaN(), New: math.NaN(), ChangePct: math.NaN()}
		switch {
		case !inNew:
			row.Base, row.Verdict = bv, "missing"
		case !inBase:
			row.New, row.Verdict = nv, "new"
		default:
			row.Base = bv
			isCal := kind == Timing && calibrated && k.name == opt.Calibration
			if kind == Timing && calibrated && !isCal {
				if dir == LowerIsBetter {
					nv /= ratio
				} else {
					nv *= ratio
				}
			}
			row.New = nv
			row.ChangePct, row.Verdict = judge(bv, nv, dir, tol.of(kind))
			if isCal {
				row.Verdict = "ok"
			}
			if kind == Timing && opt.Timing == TimingWarn && row.Verdict == "REGRESSED" {
				row.Verdict = "warn"
			}
		}
		rows = append(rows, row)
	}
	if opt.Calibration != "" && opt.Timing != TimingOff && !calibrated {
		rows = markCalibrationMissing(rows, opt.Calibration, opt.Timing)
	}
	slices.SortFunc(rows, func(x, y Row) int {
		if c := strings.Compare(x.Name, y.Name); c != 0 {
			return c
		}
		return strings.Compare(x.Unit, y.Unit)
	})
	for _, r := range rows {
		if r.Verdict == "REGRESSED" || r.Verdict == "missing" {
			regressed = true
		}
	}
	return rows, regressed
}

// markCalibrationMissing flags the unusable calibration's ns/op row,
// adding it if neither set has one.
func markCalibrationMissing(rows []Row, name string, mode TimingMode) []Row {
	verdict := "missing"
	if mode == TimingWarn {
		verdict = "warn"
	}
	for i := range rows {
		if rows[i].Name == name && rows[i].Unit == "ns/op" {
			rows[i].Verdict = verdict
			return rows
		}
	}
	nan := math.NaN()
	return append(rows, Row{Name: name, Unit: "ns/op", Base: nan, New: nan, ChangePct: nan, Verdict: verdict})
}

// judge returns the percentage change from b to n and the verdict for a
// metric with direction dir and relative tolerance tol. A change from or
// to an infinity, or from zero, is ±Inf%.
func judge(b, n float64, dir Direction, tol float64) (changePct float64, verdict string) {
	switch {
	case math.IsNaN(b) && math.IsNaN(n):
		return math.NaN(), "ok"
	case math.IsNaN(n):
		return math.NaN(), "REGRESSED"
	case math.IsNaN(b):
		return math.NaN(), "improved"
	case b == n:
		return 0, "ok"
	}
	change := (n - b) / math.Abs(b)
	if b == 0 || math.IsInf(b, 0) || math.IsInf(n, 0) {
		change = math.Inf(1)
		if n < b {
			change = math.Inf(-1)
		}
	}
	worse := change
	if dir == HigherIsBetter {
		worse = -change
	}
	switch {
	case worse > tol:
		verdict = "REGRESSED"
	case worse < -tol:
		verdict = "improved"
	default:
		verdict = "ok"
	}
	return 100 * change, verdict
}

// medians groups the results' values by (name, unit) and takes medians.
func medians(results []Result) map[metricKey]float64 {
	vals := make(map[metricKey][]float64)
	for _, r := range results {
		for _, m := range r.Metrics {
			k := metricKey{r.Name, m.Unit}
			vals[k] = append(vals[k], m.Value)
		}
	}
	med := make(map[metricKey]float64, len(vals))
	for k, v := range vals {
		med[k] = median(v)
	}
	return med
}

// median returns the median of v (the mean of the middle two for even
// lengths), or NaN if any value is NaN. It sorts v in place.
func median(v []float64) float64 {
	if slices.ContainsFunc(v, math.IsNaN) {
		return math.NaN()
	}
	slices.Sort(v)
	h := len(v) / 2
	if len(v)%2 == 1 {
		return v[h]
	}
	return (v[h-1] + v[h]) / 2
}

// of returns the tolerance for kind.
func (t Thresholds) of(kind MetricKind) float64 {
	switch kind {
	case Timing:
		return t.Timing
	case Memory:
		return t.Memory
	}
	return t.Exact
}

func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}
