package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
	"rnnbench/reports"
)

// reportCommand is `bench report DIR`: it regenerates results.md and
// every plot from DIR/results.json, for sweeps and training runs alike,
// without running anything.
func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "regenerate every table and plot of a results folder from its results.json, without re-running",
		ArgsUsage: "DIR",
		Description: "Reads DIR/results.json (of bench run, a sweep or bench merge) and rewrites DIR/results.md and the\n" +
			"PNG plots: loss.png for a training run; sweep_train.png, sweep_inference.png and sweep_memory.png\n" +
			"for a sweep. The summary table is printed to stdout.",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return badInput("report takes one results folder, got %d arguments (bench report DIR)", c.NArg())
			}
			dir := c.Args().First()
			if st, err := os.Stat(dir); err == nil && !st.IsDir() {
				if filepath.Base(dir) != "results.json" {
					return badInput("%s is a file, not a results folder: give a results folder or its results.json", dir)
				}
				dir = filepath.Dir(dir) // a results.json path
			}
			rec, err := harness.ReadRecord(dir)
			if err != nil {
				return badInput("%v", err)
			}
			files, err := writeViews(dir, rec)
			if err != nil {
				return err
			}
			w := c.App.Writer
			fmt.Fprintln(w, reports.MachineLine(rec.Machine))
			fmt.Fprintln(w)
			if rec.Sweep != nil {
				err = reports.SweepSummary(w, rec)
			} else {
				err = reports.ResultsTable(w, rec)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(c.App.ErrWriter, "bench: wrote %s\n", strings.Join(files, ", "))
			return nil
		},
	}
}

// writeViews (re)writes the views of a record in dir: results.md and the
// plots (a sweep's three PNGs, or a run's loss.png). It returns the paths
// written.
func writeViews(dir string, rec *harness.Record) ([]string, error) {
	var md strings.Builder
	var err error
	if rec.Sweep != nil {
		err = reports.SweepMarkdown(&md, rec)
	} else {
		err = reports.RunMarkdown(&md, rec)
	}
	if err != nil {
		return nil, err
	}
	mdPath := filepath.Join(dir, "results.md")
	if err := harness.WriteFileAtomic(mdPath, []byte(md.String())); err != nil {
		return nil, fmt.Errorf("writing results to %s: %w", dir, err)
	}
	files := []string{mdPath}
	if rec.Sweep != nil {
		pngs, err := reports.SweepPlots(dir, rec)
		return append(files, pngs...), err
	}
	if len(rec.Results) == 0 || len(rec.Results[0].Evals) == 0 {
		return files, nil // LossPlot has nothing to draw
	}
	png := filepath.Join(dir, "loss.png")
	if hasLengths(rec) { // a synthetic task: lengths.md, lengths.png (synthetic.go)
		files = append(files, filepath.Join(dir, "lengths.md"), filepath.Join(dir, "lengths.png"))
		if err := writeLengthViews(dir, rec); err != nil {
			return files, err
		}
	}
	return append(files, png), reports.LossPlot(png, rec)
}
