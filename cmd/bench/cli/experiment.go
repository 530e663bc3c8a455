package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
)

// Runs and sweeps are both experiments: a plan of units (harness.Unit)
// that harness.Engine runs, logs and resumes. This file holds what the
// command layer does around the engine for both: the output folder and
// its lock, the resume check, the record rewritten after each unit, and
// the interrupt message.

// outDir resolves the output folder from --out and --resume (default
// results/<name>-<UTC time>). It refuses a file, a folder another live
// bench process is writing and, without --resume, a folder that holds an
// earlier run's results. With --resume it returns the folder's record,
// nil when the run was killed before writing its first one.
func outDir(c *cli.Context, name string) (string, *harness.Record, error) {
	dir, resume, err := outFlags(c)
	if err != nil {
		return "", nil, err
	}
	if dir == "" {
		dir = defaultOut(name)
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return "", nil, badInput("--out %s is a file; give a folder (it is created if missing)", dir)
	}
	if err := harness.CheckUnlocked(dir); err != nil {
		return "", nil, badInput("--out %v; wait for it to finish or choose another folder", err)
	}
	if !resume {
		return dir, nil, refuseEarlierResults(dir)
	}
	rec, err := readResumeRecord(dir)
	return dir, rec, err
}

// defaultOut is the folder of a command without --out:
// results/<name>-<UTC time>.
func defaultOut(name string) string {
	return filepath.Join("results", name+"-"+time.Now().UTC().Format("20060102T150405Z"))
}

// subFolderArgs are the folder flags of one experiment of several (bench
// claims, --config) run in dir: --resume dir when resuming and dir exists,
// else --out dir (a --resume of an experiment never reached starts it).
func subFolderArgs(dir string, resume bool) []string {
	if _, err := os.Stat(dir); resume && err == nil {
		return []string{"--resume", dir}
	}
	return []string{"--out", dir}
}

// modelsName is --model in the default --out folder's name: "multi" for a
// list of models.
func modelsName(model string) string {
	if strings.Contains(model, ",") {
		return "multi"
	}
	return model
}

// outFlags returns the folder of --out or, with --resume, of --resume
// (checked against --out), and whether --resume was given.
func outFlags(c *cli.Context) (dir string, resume bool, err error) {
	out, resume := c.String("out"), c.IsSet("resume")
	if !resume {
		return out, false, nil
	}
	dir, err = resumeDir(out, c.String("resume"))
	return dir, true, err
}

// earlierResultFiles are the files whose presence in --out means an earlier
// run, sweep or merge wrote there (refuseEarlierResults, checkMergeOut).
var earlierResultFiles = []string{"results.json", pointsFile, resultsFile}

// refuseEarlierResults returns a usageError if the folder out already
// holds results of an earlier run or sweep: a fresh run would replace or
// mix them; --resume is the way to continue one.
func refuseEarlierResults(out string) error {
	for _, f := range earlierResultFiles {
		if _, err := os.Lstat(filepath.Join(out, f)); err == nil {
			return badInput("--out %s already holds results from an earlier run: continue it with --resume %s, or choose another folder", out, out)
		}
	}
	return nil
}

// readResumeRecord reads DIR/results.json for --resume. A folder without
// one that holds nothing but bench's lock file (and the temporary file of
// an atomic write cut short) was killed before its first record was
// written: it has finished nothing, and the record is nil.
func readResumeRecord(dir string) (*harness.Record, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, badInput("--resume %s: not a results folder (give the --out folder of the interrupted run)", dir)
	}
	_, noRec := os.Stat(filepath.Join(dir, "results.json"))
	if errors.Is(noRec, fs.ErrNotExist) && onlyLock(dir) {
		return nil, nil
	}
	rec, err := harness.ReadRecord(dir)
	if err != nil {
		return nil, badInput("--resume %s: %v", dir, err)
	}
	return rec, nil
}

// onlyLock reports whether dir holds nothing but bench's lock file and
// temporary files of atomic writes (harness.WriteFileAtomic).
func onlyLock(dir string) bool {
	names, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, n := range names {
		if n.Name() != harness.LockFile && !strings.HasPrefix(n.Name(), ".tmp-") {
			return false
		}
	}
	return true
}

// sameSettings refuses a --resume whose flags give other settings than the
// interrupted experiment's (old and now compared as JSON, the first
// difference named).
func sameSettings(dir, what string, old, now any) error {
	if d := harness.FirstDiff(old, now); d != "" {
		return badInput("--resume %s: the flags differ from the interrupted %s's: %s (pass the flags it was started with)", dir, what, d)
	}
	return nil
}

// loadFinished reads what the folder's log finished of the plan.
func loadFinished[R any](dir, log string, units []harness.Unit, shard, shards int, unitOf func(*R) *harness.Unit) (*harness.Finished[R], error) {
	f, err := harness.LoadFinished(filepath.Join(dir, log), units, shard, shards, unitOf)
	if err != nil {
		return nil, badInput("--resume %s: %v", dir, err)
	}
	return f, nil
}

func resultUnit(r *harness.Result) *harness.Unit { return r.Unit }
func pointUnit(p *harness.Point) *harness.Unit   { return p.Unit }

// experiment is a plan ready for the engine, with what is written around
// it: the record, its entries placed in plan order, and the views.
type experiment[R any] struct {
	eng   harness.Engine[R]
	prior *harness.Finished[R]                   // --resume: what the folder finished
	rec   *harness.Record                        // rewritten after each unit
	place func(rec *harness.Record, entries []R) // puts the entries, in plan order, into rec
	write func(dir string, rec *harness.Record) error
	after func(u harness.Unit, entry R, logged bool) // progress and warnings; may be nil
}

// execute creates and locks the folder, writes the record, runs the
// pending units on the engine and rewrites the record and views after
// each. A folder another process has locked since the plan was made is a
// usageError.
func (x *experiment[R]) execute(ctx context.Context, stderr io.Writer) error {
	dir := x.eng.Dir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return badInput("cannot create --out %s: %v", dir, err)
	}
	release, err := harness.Lock(dir)
	var locked *harness.LockedError
	if errors.As(err, &locked) {
		return badInput("--out %v; wait for it to finish or choose another folder", err)
	}
	if err != nil {
		return fmt.Errorf("locking %s: %w", dir, err)
	}
	defer release()
	entries := map[int]R{}
	if f := x.prior; f != nil {
		for i, e := range f.Entries {
			entries[i] = e
		}
		dropped := ""
		if f.Dropped > 0 {
			dropped = fmt.Sprintf(" (%d torn or repeated line(s) of %s dropped)", f.Dropped, x.eng.Log)
		}
		fmt.Fprintf(stderr, "bench: resuming %s: %d of %d unit(s) finished%s\n", dir, len(f.Entries), len(x.eng.Pending(nil)), dropped)
	}
	flush := func() error {
		keys := make([]int, 0, len(entries))
		for i := range entries {
			keys = append(keys, i)
		}
		slices.Sort(keys)
		list := make([]R, len(keys))
		for k, i := range keys {
			list[k] = entries[i]
		}
		x.place(x.rec, list)
		if err := x.write(dir, x.rec); err != nil {
			return fmt.Errorf("writing results to %s: %w", dir, err)
		}
		return nil
	}
	if err := flush(); err != nil {
		return err
	}
	x.eng.Done = func(u harness.Unit, e R, logged bool) error {
		entries[u.Index] = e
		if x.after != nil {
			x.after(u, e, logged)
		}
		return flush()
	}
	return x.eng.Execute(ctx, x.prior)
}

// interrupted is the exit of an interrupted run or sweep: what was kept
// and how to go on.
func interrupted(what, dir, how string) error {
	return cli.Exit("interrupted; finished "+what+" are in "+dir+"; --resume "+dir+" with the same flags "+how, ExitInterrupt)
}
