package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
	"rnnbench/views"
)

// mergeCommand is `bench merge --out DIR DIR...`: it combines the outputs
// of shards (--shard i/n) of one run or sweep into one result set and report.
func mergeCommand() *cli.Command {
	return &cli.Command{
		Name:      "merge",
		Usage:     "combine the results folders of the shards (--shard i/n) of a run or sweep into one result set and report",
		ArgsUsage: "DIR...",
		Description: "Reads each DIR/results.json, checks that all are shards of the same run or sweep (same plan of units:\n" +
			"models, grid, seeds, lengths, batch, steps, optimiser; shards, limits and machines may differ) with no\n" +
			"unit twice, and writes --out/results.json, the log (results.jsonl or points.jsonl), results.md and the\n" +
			"plots. Bad or mismatched inputs exit 2 with nothing written.",
		Flags: []cli.Flag{&cli.StringFlag{Name: "out", Required: true, Usage: "folder for the merged result set (created if missing; not one of the inputs)"}},
		Action: func(c *cli.Context) error {
			if c.NArg() < 1 {
				return badInput("merge needs at least one results folder (bench merge --out DIR DIR...)")
			}
			rec, warnings, err := mergeShards(c.Args().Slice(), c.String("out"))
			if err != nil {
				return err
			}
			for _, w := range warnings {
				fmt.Fprintln(c.App.ErrWriter, "bench: warning: "+w)
			}
			if err := writeMerged(c.String("out"), rec); err != nil {
				return err
			}
			n, total := len(rec.Points), len(rec.Units)
			if rec.Sweep != nil {
				err = views.SweepSummary(c.App.Writer, rec)
				total = rec.Sweep.NumPoints()
			} else {
				n = len(rec.Results)
				err = printTable(c.App.Writer, rec)
			}
			if err != nil {
				return err
			}
			if n < total {
				fmt.Fprintf(c.App.ErrWriter, "bench: warning: %d of %d units present; a shard may be missing\n", n, total)
			}
			fmt.Fprintf(c.App.ErrWriter, "bench: merged %d unit(s) from %d folder(s) into %s\n", n, c.NArg(), c.String("out"))
			return nil
		},
	}
}

// mergeShards reads the records in dirs and returns their union: the
// first record's settings, machine and start time, all shards (shard 0 of
// 1), and every unit's entry sorted by index. It returns a usageError if
// a folder has no readable record, differs from the first (a sweep:
// harness.SameSweep; a run: its settings and plan of units), holds an
// entry that is not a unit of the plan, shares a unit with another
// folder, or is out itself. The warnings name shards measured on another
// kind of machine than the first (their timings do not compare).
func mergeShards(dirs []string, out string) (rec *harness.Record, warnings []string, err error) {
	absOut, _ := filepath.Abs(out)
	if err := checkMergeOut(out, dirs); err != nil { // a file, an input through a symlink, a folder with results (outcheck.go)
		return nil, nil, err
	}
	var merged *harness.Record
	from := map[int]string{} // unit index → folder
	for _, dir := range dirs {
		if abs, _ := filepath.Abs(dir); abs == absOut {
			return nil, nil, badInput("--out %s is also an input; write the merge to a new folder", out)
		}
		rec, err := harness.ReadRecord(dir)
		if err != nil {
			return nil, nil, badInput("%v", err)
		}
		if merged != nil && (rec.Machine.CPU != merged.Machine.CPU || rec.Machine.Cores != merged.Machine.Cores || rec.Machine.GOMAXPROCS != merged.Machine.GOMAXPROCS) {
			warnings = append(warnings, fmt.Sprintf("%s ran on %s; the report names only %s", dir, views.MachineLine(rec.Machine), views.MachineLine(merged.Machine)))
		}
		if merged == nil {
			cp := *rec
			if rec.Sweep != nil {
				cfg := *rec.Sweep
				cfg.Shard, cfg.Shards = 0, 1
				cp.Sweep = &cfg
			}
			cp.Shard, cp.Shards, cp.Points, cp.Results = 0, 0, nil, nil
			merged = &cp
		} else if err := sameExperiment(merged, rec); err != nil {
			return nil, nil, badInput("%s is not a shard of the same %s as %s: %v", dir, kindName(merged), dirs[0], err)
		}
		if merged.Sweep != nil {
			merged.Points, err = mergeEntries(merged.Points, rec.Points, merged, dir, from, pointUnit)
		} else {
			merged.Results, err = mergeEntries(merged.Results, rec.Results, merged, dir, from, resultUnit)
		}
		if err != nil {
			return nil, nil, err
		}
		if rec.Started.Before(merged.Started) {
			merged.Started = rec.Started
		}
	}
	return merged, warnings, nil
}

// kindName is "sweep" or "run".
func kindName(rec *harness.Record) string {
	if rec.Sweep != nil {
		return "sweep"
	}
	return "run"
}

// sameExperiment returns nil if b is a shard of the experiment a is.
func sameExperiment(a, b *harness.Record) error {
	if a.Sweep != nil || b.Sweep != nil {
		return harness.SameSweep(a, b)
	}
	if a.Schema != b.Schema {
		return fmt.Errorf("results schemas differ: %d and %d", a.Schema, b.Schema)
	}
	type identity struct {
		Run   runIdentity    `json:"run"`
		Units []harness.Unit `json:"units"`
	}
	id := func(r *harness.Record) identity {
		return identity{runIdentity{r.Task, r.Train, r.TaskCfg, r.Planned, r.Grid}, r.Units}
	}
	if d := harness.FirstDiff(id(a), id(b)); d != "" {
		return errors.New(strings.Replace(d, ", the flags give ", " in one, ", 1))
	}
	return nil
}

// mergeEntries adds the entries of the shard in dir to merged, checking
// each against the plan of rec (its Units, or for sweeps its points), and
// returns them sorted by unit index.
func mergeEntries[R any](merged, add []R, rec *harness.Record, dir string, from map[int]string, unitOf func(*R) *harness.Unit) ([]R, error) {
	for k := range add {
		u := unitOf(&add[k])
		if u == nil || u.Index < 0 || u.Index >= len(rec.Units) {
			return nil, badInput("%s: entry %d names no unit of the plan", dir, k+1)
		}
		if d := harness.FirstDiff(u, rec.Units[u.Index]); d != "" {
			return nil, badInput("%s: unit %q differs from the plan's: %s", dir, u.ID, strings.Replace(d, ", the flags give ", " there, ", 1))
		}
		if prev, dup := from[u.Index]; dup {
			return nil, badInput("unit %d (%s) is in both %s and %s: shards overlap", u.Index, u.ID, prev, dir)
		}
		from[u.Index] = dir
		merged = append(merged, add[k])
	}
	slices.SortFunc(merged, func(a, b R) int { return unitOf(&a).Index - unitOf(&b).Index })
	return merged, nil
}

// writeMerged writes a merged run or sweep into dir: results.json, the
// log (every entry, by index) and the views.
func writeMerged(dir string, rec *harness.Record) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return badInput("cannot create --out %s: %v", dir, err)
	}
	var lines [][]byte
	var err error
	log, write := resultsFile, writeOutputs
	if rec.Sweep != nil {
		log, write = pointsFile, writeSweepOutputs
		lines, err = marshalLines(rec.Points)
	} else {
		lines, err = marshalLines(rec.Results)
	}
	if err != nil {
		return err
	}
	if err := harness.RewriteLines(filepath.Join(dir, log), lines); err != nil {
		return err
	}
	return write(dir, rec)
}

// marshalLines is each entry as one JSON line.
func marshalLines[R any](entries []R) ([][]byte, error) {
	var out [][]byte
	for _, e := range entries {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}
