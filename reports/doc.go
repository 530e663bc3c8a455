// Package reports is the generic view kit of rnnbench: it turns plain data
// (strings, float64 slices, benchmark results) into Markdown tables,
// figures (PNG, SVG and PDF from one drawing, figure.go), Go
// benchmark-format files, regression verdicts and exponent fits. It knows
// no record type: the views of run and sweep records (package views) are
// built on it. Only the palette (palette.go) knows the models' names, as
// strings, so that each keeps one colour in every figure. Figures are
// written atomically through internal/atomicfile; reports imports no
// rnnbench package above internal/.
//
// Conventions:
//   - Numbers are formatted by the caller before they reach a table.
//   - Benchmark files follow the Go benchmark format
//     (golang/proposal design/14313-benchmark-format.md), so benchstat
//     (golang.org/x/perf/cmd/benchstat) reads what WriteBench writes.
//   - Values absent from one side of a comparison are NaN.
//   - Functions return errors for bad input; none panic on user data.
package reports
