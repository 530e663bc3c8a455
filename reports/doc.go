// Package reports is the view layer of rnnbench: it turns plain data
// (strings, float64 slices, benchmark results, run records) into Markdown
// tables, figures (PNG, SVG and PDF from one drawing, figure.go), the
// one-page index.html of a results folder, CSV/JSON exports, Go
// benchmark-format files and regression verdicts. It knows nothing about
// how models or tasks work; only the palette (palette.go) knows the
// models' names, so that each keeps one colour in every figure.
//
// Conventions:
//   - Numbers are formatted by the caller before they reach a table.
//   - Benchmark files follow the Go benchmark format
//     (golang/proposal design/14313-benchmark-format.md), so benchstat
//     (golang.org/x/perf/cmd/benchstat) reads what WriteBench writes.
//   - Values absent from one side of a comparison are NaN.
//   - Functions return errors for bad input; none panic on user data.
package reports
