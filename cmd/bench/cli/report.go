package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
	"rnnbench/internal/atomicfile"
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
					return badInput("%q is a file, not a results folder: give a results folder or its results.json", dir)
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
// written. Every view is made before any is written: the plots are drawn
// into a temporary folder in dir (atomicfile.MkdirTemp; --resume removes
// one a crash leaves) and moved into dir, and results.md written, only
// once all of them succeeded, so a record that cannot be drawn leaves dir
// as it was.
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
	tmp, err := atomicfile.MkdirTemp(dir, "report")
	if err != nil {
		return nil, fmt.Errorf("writing results to %q: %w", dir, err)
	}
	defer os.RemoveAll(tmp)
	var pngs []string // in tmp
	switch {
	case rec.Sweep != nil:
		pngs, err = reports.SweepPlots(tmp, rec)
	case len(rec.Results) > 0 && len(rec.Results[0].Evals) > 0: // else LossPlot has nothing to draw
		pngs = []string{filepath.Join(tmp, "loss.png")}
		err = reports.LossPlot(pngs[0], rec)
	}
	if err != nil {
		return nil, err
	}
	mdPath := filepath.Join(dir, "results.md")
	files := []string{mdPath}
	for _, p := range pngs {
		dst := filepath.Join(dir, filepath.Base(p))
		if err := os.Rename(p, dst); err != nil {
			return files, fmt.Errorf("writing results to %q: %w", dir, err)
		}
		files = append(files, dst)
	}
	if err := harness.WriteFileAtomic(mdPath, []byte(md.String())); err != nil {
		return files, fmt.Errorf("writing results to %q: %w", dir, err)
	}
	return files, nil
}
