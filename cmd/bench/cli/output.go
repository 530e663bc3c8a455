package cli

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"rnnbench/harness"
	"rnnbench/views"
)

// BenchFile is the benchmark-format copy of a run's results, written
// beside results.json (see views.WriteRecordBench).
const BenchFile = "results.bench"

// writeOutputs (re)writes results.json, results.md, loss.png and
// results.bench in dir; results.bench carries this process's calibration
// (processCalibration).
func writeOutputs(dir string, rec *harness.Record) error {
	return writeOutputsCal(dir, rec, processCalibration())
}

// writeOutputsCal is writeOutputs with the given calibrations in
// results.bench.
func writeOutputsCal(dir string, rec *harness.Record, cals ...harness.Calibration) error {
	if err := harness.WriteJSON(filepath.Join(dir, "results.json"), rec); err != nil {
		return err
	}
	var md strings.Builder
	if err := views.RunMarkdown(&md, rec); err != nil {
		return err
	}
	if err := harness.WriteFileAtomic(filepath.Join(dir, "results.md"), []byte(md.String())); err != nil {
		return err
	}
	if err := writeResultsBench(dir, rec, cals...); err != nil {
		return err
	}
	if err := views.LossPlot(filepath.Join(dir, views.LossPNG), rec); err != nil {
		return err
	}
	if err := writeLengthViews(dir, rec); err != nil { // synthetic tasks: synthviews.go
		return err
	}
	_, err := writePage(dir, rec) // last: index.html lists every file
	return err
}

// writeResultsBench (re)writes dir/results.bench: rec's results and sweep
// points in the Go benchmark format, followed by cals (pass
// processCalibration() for a run of this process) so that `bench compare`
// can normalise timings by machine speed.
func writeResultsBench(dir string, rec *harness.Record, cals ...harness.Calibration) error {
	var b bytes.Buffer
	if err := views.WriteRecordBench(&b, rec, cals...); err != nil {
		return err
	}
	return harness.WriteFileAtomic(filepath.Join(dir, BenchFile), b.Bytes())
}

// processCalibration measures the machine once per process, on first use
// (harness.Calibrate, about 0.2 s), and returns the same figures after.
var processCalibration = sync.OnceValue(func() harness.Calibration {
	return harness.Calibrate(harness.CalibReps)
})

// printTable prints the results table (without the header) to w.
func printTable(w io.Writer, rec *harness.Record) error {
	fmt.Fprintln(w)
	return views.ResultsTable(w, rec)
}
