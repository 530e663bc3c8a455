package cli

import (
	"path/filepath"

	"rnnbench/harness"
	"rnnbench/reports"
)

// writePage (re)writes the views written after every other file of a
// results folder: the CSV export (results.csv for a run, points.csv for a
// sweep) and index.html, the one page that shows the whole result and
// links to every file. It returns the paths written.
func writePage(dir string, rec *harness.Record) ([]string, error) {
	csvPath, err := reports.WriteCSVExport(dir, rec)
	if err != nil {
		return nil, err
	}
	if err := reports.WriteIndex(dir, rec); err != nil {
		return nil, err
	}
	return []string{csvPath, filepath.Join(dir, reports.IndexFile)}, nil
}
