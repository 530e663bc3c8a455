package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
	"rnnbench/internal/atomicfile"
	"rnnbench/reports"
	"rnnbench/views"
)

// reportCommand is `bench report DIR`: it regenerates results.md and
// every plot from DIR/results.json, for sweeps and training runs alike,
// without running anything.
func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "regenerate every table, figure and page of a results folder from its results.json, without re-running",
		ArgsUsage: "DIR",
		Description: "Reads DIR/results.json (of bench run, a sweep or bench merge) and rewrites DIR/results.md, the\n" +
			"figures (loss for a training run; sweep_train, sweep_inference and sweep_memory for a sweep; each\n" +
			"as .png, .svg and .pdf), the CSV export (results.csv for a run, points.csv for a sweep) and\n" +
			"index.html, the one page showing it all. The summary table is printed to stdout.\n\n" +
			"With --format, nothing is written: the results go to stdout for scripts, as CSV or JSON (one\n" +
			"row or object per model run or sweep point, every measured field; accuracies in %, times in ms,\n" +
			"memory in bytes) or as the Markdown of results.md.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Usage: "print the results to stdout as csv, json or md instead of rewriting the folder's files"},
		},
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
			format := c.String("format")
			if c.IsSet("format") && !slices.Contains(reportFormats, format) {
				return badInput("unknown --format %q%s: allowed %s", format, suggest(format, reportFormats), strings.Join(reportFormats, ", "))
			}
			rec, err := harness.ReadRecord(dir)
			if err != nil {
				return badInput("%v", err)
			}
			if c.IsSet("format") {
				return printReport(c.App.Writer, rec, format)
			}
			files, err := writeViews(dir, rec)
			if err != nil {
				return err
			}
			w := c.App.Writer
			fmt.Fprintln(w, views.MachineLine(rec.Machine))
			fmt.Fprintln(w)
			if rec.Sweep != nil {
				err = views.SweepSummary(w, rec)
			} else {
				err = views.ResultsTable(w, rec)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(c.App.ErrWriter, "bench: wrote %s\n", strings.Join(files, ", "))
			return nil
		},
	}
}

// reportFormats are the values of bench report --format.
var reportFormats = []string{"csv", "json", "md"}

// printReport writes rec to w in format (one of reportFormats).
func printReport(w io.Writer, rec *harness.Record, format string) error {
	switch format {
	case "csv":
		return views.Export(rec).WriteCSV(w)
	case "json":
		return views.Export(rec).WriteJSON(w)
	}
	if rec.Sweep != nil {
		return views.SweepMarkdown(w, rec)
	}
	return views.RunMarkdown(w, rec)
}

// writeViews (re)writes the views of a record in dir: results.md, the
// figures (a sweep's three, or a run's loss figure, and a synthetic task's
// lengths views, each figure as PNG, SVG and PDF), the CSV export and
// index.html (writePage). It returns the paths written. Every figure is
// drawn before anything is written: into a temporary folder in dir
// (atomicfile.MkdirTemp; --resume removes one a crash leaves), then moved
// into dir, and results.md written, only once all of them succeeded, so a
// record that cannot be drawn leaves dir as it was.
func writeViews(dir string, rec *harness.Record) ([]string, error) {
	var md strings.Builder
	var err error
	if rec.Sweep != nil {
		err = views.SweepMarkdown(&md, rec)
	} else {
		err = views.RunMarkdown(&md, rec)
	}
	if err == nil && rec.Sweep != nil {
		err = views.PeerMarkdown(&md, rec) // --peer's side-by-side table; nothing without --peer
	}
	if err != nil {
		return nil, err
	}
	tmp, err := atomicfile.MkdirTemp(dir, "report")
	if err != nil {
		return nil, fmt.Errorf("writing results to %q: %w", dir, err)
	}
	defer os.RemoveAll(tmp)
	if rec.Sweep != nil {
		_, err = views.SweepPlots(tmp, rec)
		if fig, ok := views.PeerFigure(rec); ok && err == nil {
			_, err = reports.SaveFigure(filepath.Join(tmp, views.PeerPNG), fig)
		}
	} else {
		err = views.LossPlot(filepath.Join(tmp, views.LossPNG), rec) // nothing before the first evaluation
		if err == nil {
			err = writeLengthViews(tmp, rec) // a synthetic task: lengths.md, lengths.png (synthviews.go); else nothing
		}
	}
	if err != nil {
		return nil, err
	}
	drawn, err := os.ReadDir(tmp)
	if err != nil {
		return nil, fmt.Errorf("writing results to %q: %w", dir, err)
	}
	mdPath := filepath.Join(dir, "results.md")
	files := []string{mdPath}
	for _, e := range drawn {
		dst := filepath.Join(dir, e.Name())
		if err := os.Rename(filepath.Join(tmp, e.Name()), dst); err != nil {
			return files, fmt.Errorf("writing results to %q: %w", dir, err)
		}
		files = append(files, dst)
	}
	if err := harness.WriteFileAtomic(mdPath, []byte(md.String())); err != nil {
		return files, fmt.Errorf("writing results to %q: %w", dir, err)
	}
	page, err := writePage(dir, rec)
	return append(files, page...), err
}
