package cli

import (
	"fmt"
	"path/filepath"
	"slices"

	"rnnbench/harness"
	"rnnbench/models"
	"rnnbench/views"
)

// writePage (re)writes the views written after every other file of a
// results folder: the CSV export (results.csv for a run, points.csv for a
// sweep) and index.html, the one page that shows the whole result and
// links to every file. It returns the paths written.
func writePage(dir string, rec *harness.Record) ([]string, error) {
	csvPath, err := views.WriteCSVExport(dir, rec)
	if err != nil {
		return nil, err
	}
	if err := views.WriteIndex(dir, rec); err != nil {
		return nil, err
	}
	return []string{csvPath, filepath.Join(dir, views.IndexFile)}, nil
}

// modelCount says how many models a list of configs holds, counting a
// mixer once however many of its modes are listed: "2 models (5 model/mode
// configurations)", "1 model", "3 models".
func modelCount(cfgs []models.Config) string {
	var mixers []string
	for _, c := range cfgs {
		if !slices.Contains(mixers, c.Mixer) {
			mixers = append(mixers, c.Mixer)
		}
	}
	s := fmt.Sprintf("%d model", len(mixers))
	if len(mixers) != 1 {
		s += "s"
	}
	if len(cfgs) != len(mixers) {
		s += fmt.Sprintf(" (%d model/mode configurations)", len(cfgs))
	}
	return s
}
