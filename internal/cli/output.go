package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"rnnbench/harness"
	"rnnbench/reports"
)

// writeOutputs (re)writes results.json, results.md and loss.png in dir.
func writeOutputs(dir string, rec *harness.Record) error {
	if err := harness.WriteJSON(filepath.Join(dir, "results.json"), rec); err != nil {
		return err
	}
	var md strings.Builder
	if err := reports.RunMarkdown(&md, rec); err != nil {
		return err
	}
	if err := harness.WriteFileAtomic(filepath.Join(dir, "results.md"), []byte(md.String())); err != nil {
		return err
	}
	return reports.LossPlot(filepath.Join(dir, "loss.png"), rec)
}

// printTable prints the results table (without the header) to w.
func printTable(w io.Writer, rec *harness.Record) error {
	fmt.Fprintln(w)
	return reports.ResultsTable(w, rec)
}
