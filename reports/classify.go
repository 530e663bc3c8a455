package reports

import "strings"

// Direction says which way a metric improves.
type Direction int

const (
	LowerIsBetter Direction = iota
	HigherIsBetter
)

// MetricKind says how much run-to-run variation a metric has, which picks
// its tolerance in Compare.
type MetricKind int

const (
	// Exact metrics are bit-reproducible: analytic bytes, FLOP counts,
	// parameter counts, and seeded losses/accuracies at a fixed step.
	Exact MetricKind = iota
	// Timing metrics are wall-clock measurements: ns/step, tokens/s, ...
	Timing
	// Memory metrics are measured allocations, such as peak-B.
	Memory
)

// Classify returns the direction and kind of a benchmark unit:
//
//	unit                                 direction  kind
//	ns/* (ns/step, ns/token, ns/forward, ns/op)  lower  Timing
//	tokens/s, GFLOP/s, any */s           higher     Timing
//	analytic-B, state-B                  lower      Exact (counted from shapes)
//	peak-B, any other *-B                lower      Memory
//	B/op, allocs/op (go test)            lower      Memory
//	params, non-emb-params               lower      Exact
//	flops/token, steps                   lower      Exact
//	loss                                 lower      Exact (seeded)
//	accuracy-%, seq-accuracy-%           higher     Exact (seeded; schema 1: accuracy, seq-accuracy)
//	anything else                        lower      Exact
//
// Unknown units are Exact so that a new metric is held to the strictest
// tolerance until it is added here.
func Classify(unit string) (Direction, MetricKind) {
	switch {
	case strings.HasPrefix(unit, "ns/"):
		return LowerIsBetter, Timing
	case strings.HasSuffix(unit, "/s"):
		return HigherIsBetter, Timing
	case unit == "analytic-B", unit == "state-B":
		return LowerIsBetter, Exact
	case strings.HasSuffix(unit, "-B"), unit == "B/op", unit == "allocs/op":
		return LowerIsBetter, Memory
	case unit == AccuracyUnit, unit == SeqAccuracyUnit, unit == "accuracy", unit == "seq-accuracy":
		return HigherIsBetter, Exact
	}
	return LowerIsBetter, Exact
}

// Accuracy units of schema 2: percent. Schema 1 wrote fractions under
// "accuracy" and "seq-accuracy"; views.ReadBenchFile converts those.
const (
	AccuracyUnit    = "accuracy-%"
	SeqAccuracyUnit = "seq-accuracy-%"
)
