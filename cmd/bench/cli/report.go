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
	"rnnbench/reports"
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
					return badInput("%s is a file, not a results folder: give a results folder or its results.json", dir)
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

// reportFormats are the values of bench report --format.
var reportFormats = []string{"csv", "json", "md"}

// printReport writes rec to w in format (one of reportFormats).
func printReport(w io.Writer, rec *harness.Record, format string) error {
	switch format {
	case "csv":
		return reports.Export(rec).WriteCSV(w)
	case "json":
		return reports.Export(rec).WriteJSON(w)
	}
	if rec.Sweep != nil {
		return reports.SweepMarkdown(w, rec)
	}
	return reports.RunMarkdown(w, rec)
}

// writeViews (re)writes the views of a record in dir: results.md, the
// figures (a sweep's three, or a run's loss figure, each as PNG, SVG and
// PDF), the CSV export and index.html (writePage). It returns the paths
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
		figs, err := reports.SweepPlots(dir, rec)
		files = append(files, figs...)
		if err != nil {
			return files, err
		}
		if err := writePeerViews(dir, rec); err != nil { // peerviews.go: --peer's table and figure
			return files, err
		}
	} else if len(rec.Results) > 0 && len(rec.Results[0].Evals) > 0 { // else LossPlot has nothing to draw
		png := filepath.Join(dir, "loss.png")
		if err := reports.LossPlot(png, rec); err != nil {
			return files, err
		}
		for _, ext := range reports.FigureFormats {
			files = append(files, strings.TrimSuffix(png, ".png")+ext)
		}
	}
	if rec.Sweep == nil && hasLengths(rec) { // a synthetic task: lengths.md, lengths.png (synthetic.go)
		files = append(files, filepath.Join(dir, "lengths.md"), filepath.Join(dir, "lengths.png"))
		if err := writeLengthViews(dir, rec); err != nil {
			return files, err
		}
	}
	page, err := writePage(dir, rec)
	return append(files, page...), err
}
