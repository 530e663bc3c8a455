package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
	"rnnbench/reports"
)

// mergeCommand is `bench merge --out DIR DIR...`: it combines the outputs
// of sweep shards into one result set and report.
func mergeCommand() *cli.Command {
	return &cli.Command{
		Name:      "merge",
		Usage:     "combine the results folders of sweep shards (--shard i/n) into one result set and report",
		ArgsUsage: "DIR...",
		Description: "Reads each DIR/results.json, checks that all are shards of the same sweep (same models, lengths,\n" +
			"batch, steps, optimiser and seed; shards, limits and machines may differ) with no point twice, and\n" +
			"writes --out/results.json, points.jsonl, results.md and the plots. Bad or mismatched inputs exit 2\n" +
			"with nothing written.",
		Flags: []cli.Flag{&cli.StringFlag{Name: "out", Required: true, Usage: "folder for the merged result set (created if missing; not one of the inputs)"}},
		Action: func(c *cli.Context) error {
			if c.NArg() < 1 {
				return badInput("merge needs at least one results folder (bench merge --out DIR DIR...)")
			}
			rec, warnings, err := mergeSweeps(c.Args().Slice(), c.String("out"))
			if err != nil {
				return err
			}
			for _, w := range warnings {
				fmt.Fprintln(c.App.ErrWriter, "bench: warning: "+w)
			}
			if err := writeMerged(c.String("out"), rec); err != nil {
				return err
			}
			if err := reports.SweepSummary(c.App.Writer, rec); err != nil {
				return err
			}
			if ms := rec.Sweep; len(rec.Points) < ms.NumPoints() {
				fmt.Fprintf(c.App.ErrWriter, "bench: warning: %d of %d points present; a shard may be missing\n", len(rec.Points), ms.NumPoints())
			}
			fmt.Fprintf(c.App.ErrWriter, "bench: merged %d point(s) from %d folder(s) into %s\n", len(rec.Points), c.NArg(), c.String("out"))
			return nil
		},
	}
}

// mergeSweeps reads the sweep records in dirs and returns their union: the
// first record's settings, machine and start time, all shards (Shard 0 of
// 1), and every point sorted by index. It returns a usageError if a folder
// has no readable record, is not a sweep, differs from the first
// (harness.SameSweep), holds a point inconsistent with its config, shares a
// point with another folder, or is out itself. The warnings name shards
// measured on another kind of machine than the first (their timings do not
// compare).
func mergeSweeps(dirs []string, out string) (rec *harness.Record, warnings []string, err error) {
	absOut, _ := filepath.Abs(out)
	if err := checkMergeOut(out, dirs); err != nil { // a file, an input through a symlink, a folder with results (outcheck.go)
		return nil, nil, err
	}
	var merged *harness.Record
	from := map[int]string{} // point index → folder
	for _, dir := range dirs {
		if abs, _ := filepath.Abs(dir); abs == absOut {
			return nil, nil, badInput("--out %s is also an input; write the merge to a new folder", out)
		}
		rec, err := harness.ReadRecord(dir)
		if err != nil {
			return nil, nil, badInput("%v", err)
		}
		if merged != nil && (rec.Machine.CPU != merged.Machine.CPU || rec.Machine.Cores != merged.Machine.Cores || rec.Machine.GOMAXPROCS != merged.Machine.GOMAXPROCS) {
			warnings = append(warnings, fmt.Sprintf("%s ran on %s; the report names only %s", dir, reports.MachineLine(rec.Machine), reports.MachineLine(merged.Machine)))
		}
		if rec.Task != "sweep" || rec.Sweep == nil {
			return nil, nil, badInput("%s is a %s run, not a sweep: only sweep shards can be merged", dir, rec.Task)
		}
		if merged == nil {
			cp := *rec
			cfg := *rec.Sweep
			cfg.Shard, cfg.Shards = 0, 1
			cp.Sweep, cp.Points = &cfg, nil
			merged = &cp
		} else if err := harness.SameSweep(merged, rec); err != nil {
			return nil, nil, badInput("%s is not a shard of the same sweep as %s: %v", dir, dirs[0], err)
		}
		for _, p := range rec.Points {
			if p.Index < 0 || p.Index >= merged.Sweep.NumPoints() {
				return nil, nil, badInput("%s: point index %d is outside the sweep's %d points", dir, p.Index, merged.Sweep.NumPoints())
			}
			if sp := merged.Sweep.Spec(p.Index, merged.Train); harness.ModelName(sp.Model) != p.Name || sp.T != p.T {
				return nil, nil, badInput("%s: point %d is %s T=%d, but the sweep's point %d is %s T=%d", dir, p.Index, p.Name, p.T, p.Index, harness.ModelName(sp.Model), sp.T)
			}
			if prev, dup := from[p.Index]; dup {
				return nil, nil, badInput("point %d (%s T=%d) is in both %s and %s: shards overlap", p.Index, p.Name, p.T, prev, dir)
			}
			from[p.Index] = dir
			merged.Points = append(merged.Points, p)
		}
		if rec.Started.Before(merged.Started) {
			merged.Started = rec.Started
		}
	}
	slices.SortFunc(merged.Points, func(a, b harness.Point) int { return a.Index - b.Index })
	return merged, warnings, nil
}

// writeMerged writes a merged sweep into dir: results.json, points.jsonl
// (every point, by index) and the views.
func writeMerged(dir string, rec *harness.Record) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return badInput("cannot create --out %s: %v", dir, err)
	}
	f, err := os.Create(filepath.Join(dir, pointsFile))
	if err != nil {
		return err
	}
	defer f.Close()
	for _, p := range rec.Points {
		if err := appendJSONLine(f, p); err != nil {
			return err
		}
	}
	return writeSweepOutputs(dir, rec)
}
