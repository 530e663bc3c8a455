package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
	"rnnbench/models"
	"rnnbench/reports"
	"rnnbench/tasks"
)

// A sequence-length sweep (`bench run --task sweep`) measures every model
// (and every mode of minGRU and minLSTM, unless --mode is given) at every
// length of --lengths. Each point runs alone in a fresh child process
// (`bench point`, point.go) which reports its own peak RSS (VmHWM, harness.SelfPeakRSS).
// Points are written as they finish: appended to points.jsonl, and
// results.json, results.md and the plots are rewritten, so an interrupt
// keeps every finished point.

// runOnlyFlags apply to training runs only; sweepOnlyFlags to sweeps only.
var (
	runOnlyFlags   = []string{"seq-len", "copy-tokens", "steps", "warmup", "eval-every", "eval-batches", "eval-full", "target-acc", "data", "sample", "temperature", "top-k", "checkpoint-every"}
	sweepOnlyFlags = []string{"lengths", "max-mem", "point-timeout", "repeats", "shard", "shard-count"}
)

// rejectFlags returns a usageError if any of names was set on the command line.
func rejectFlags(c *cli.Context, names []string, why string) error {
	for _, n := range names {
		if c.IsSet(n) {
			return badInput("--%s %s", n, why)
		}
	}
	return nil
}

// taskOnlyFlags names the training task a run-only flag belongs to, for
// flags that apply to one task only.
var taskOnlyFlags = map[string]string{
	"data": "char-lm", "sample": "char-lm", "temperature": "char-lm", "top-k": "char-lm", "eval-full": "char-lm",
	"copy-tokens": "selective-copy",
}

// rejectTaskFlags returns a usageError naming the first flag set on the
// command line that does not apply to task: a run-only flag on a sweep, a
// char-lm flag on selective-copy, a selective-copy flag on char-lm.
func rejectTaskFlags(c *cli.Context, task string) error {
	for _, n := range runOnlyFlags {
		if !c.IsSet(n) {
			continue
		}
		owner, one := taskOnlyFlags[n]
		switch {
		case task == "sweep" && one:
			return badInput("--%s applies to --task %s only, not to --task sweep", n, owner)
		case task == "sweep":
			return badInput("--%s applies to training runs (--task selective-copy or char-lm), not to --task sweep", n)
		case one && owner != task:
			return badInput("--%s applies to --task %s only, not to --task %s", n, owner, task)
		}
	}
	return nil
}

// sweepPlan is a validated sweep: nothing is written before it exists.
type sweepPlan struct {
	cfg     harness.SweepConfig
	train   harness.TrainConfig
	out     string
	timeout time.Duration
	resume  *sweepResume // --resume: the points the interrupted sweep finished
}

// makeSweepPlan validates every flag of a sweep and returns the plan, or a
// usageError naming the first problem.
func makeSweepPlan(c *cli.Context) (*sweepPlan, error) {
	if err := rejectTaskFlags(c, "sweep"); err != nil {
		return nil, err
	}
	s, ok := preset("sweep", c.String("preset"))
	if !ok {
		return nil, badInput("unknown --preset %q for --task sweep: allowed %s", c.String("preset"), strings.Join(SweepPresets, ", "))
	}
	if err := applyFlags(c, &s); err != nil {
		return nil, err
	}
	if c.IsSet("lengths") {
		ls, err := parseLengths(c.String("lengths"))
		if err != nil {
			return nil, err
		}
		s.Lengths = ls
	}
	if c.IsSet("repeats") {
		if s.Repeats = c.Int("repeats"); s.Repeats < 5 || s.Repeats > maxRepeats {
			return nil, badInput("--repeats must be an integer in [5, %d], got %d", maxRepeats, s.Repeats)
		}
	}
	s.Arch.V = tasks.CopyVocab
	model, mode := "all", "all"
	if c.IsSet("model") {
		model = c.String("model")
	}
	if c.IsSet("mode") {
		mode = c.String("mode")
	}
	cfgs, err := modelConfigs(model, mode, s.Arch)
	if err != nil {
		return nil, err
	}
	if c.IsSet("params") {
		if cfgs, err = sizeToParams(cfgs, c.Int("params")); err != nil {
			return nil, err
		}
	}
	sortConfigs(cfgs)
	maxMem := harness.PhysicalMemory() * 3 / 4
	if c.IsSet("max-mem") {
		if maxMem, err = parseBytes(c.String("max-mem"), harness.PhysicalMemory()); err != nil {
			return nil, err
		}
	}
	if maxMem <= 0 {
		maxMem = 1 << 62 // physical memory unknown and no --max-mem: no limit
	}
	timeout := c.Duration("point-timeout")
	if timeout <= 0 {
		return nil, badInput("--point-timeout must be positive, got %s", timeout)
	}
	shard, shards, err := resolveShard(c.String("shard"), c.Int("shard-count"), os.Getenv)
	if err != nil {
		return nil, err
	}
	p := &sweepPlan{
		cfg: harness.SweepConfig{
			Models: cfgs, Lengths: s.Lengths, Batch: s.Train.Batch, WarmupSteps: 2, Repeats: s.Repeats,
			MaxMemBytes: maxMem, PointTimeoutS: timeout.Seconds(), Shard: shard, Shards: shards,
		},
		train:   s.Train,
		out:     c.String("out"),
		timeout: timeout,
	}
	p.train.Steps = p.cfg.WarmupSteps + p.cfg.Repeats
	p.train.EvalEvery, p.train.EvalBatches, p.train.TargetAcc = 0, 0, 0
	if c.IsSet("resume") {
		if p.out, err = resumeDir(p.out, c.String("resume")); err != nil {
			return nil, err
		}
	}
	if p.out == "" {
		name := model
		if strings.Contains(name, ",") {
			name = "multi"
		}
		p.out = filepath.Join("results", fmt.Sprintf("sweep-%s-%s", name, time.Now().UTC().Format("20060102T150405Z")))
	}
	if st, err := os.Stat(p.out); err == nil && !st.IsDir() {
		return nil, badInput("--out %s is a file; give a folder (it is created if missing)", p.out)
	}
	if c.IsSet("resume") {
		if p.resume, err = loadSweepResume(p.out, p); err != nil {
			return nil, err
		}
	} else if err := refuseEarlierResults(p.out); err != nil {
		return nil, err
	}
	return p, nil
}

// shardText is prefix+"shard i/n" for a sharded sweep, "" for one that
// measures all its points.
func shardText(cfg harness.SweepConfig, prefix string) string {
	if cfg.Shards <= 1 {
		return ""
	}
	return fmt.Sprintf("%sshard %d/%d", prefix, cfg.Shard, cfg.Shards)
}

// maxRepeats bounds --repeats: each point times that many steps.
const maxRepeats = 100_000

// sortConfigs puts configs in point order: mixers in models.MixerNames
// order, then modes in models.Modes order.
func sortConfigs(cfgs []models.Config) {
	rank := func(c models.Config) int {
		return 100*slices.Index(models.MixerNames, c.Mixer) + slices.Index(models.Modes[c.Mixer], c.Mode)
	}
	slices.SortStableFunc(cfgs, func(a, b models.Config) int { return rank(a) - rank(b) })
}

// sweepAction is `bench run --task sweep`.
func sweepAction(c *cli.Context) error {
	p, err := makeSweepPlan(c)
	if err != nil {
		return err
	}
	if c.Bool("dry-run") {
		return printSweepPlan(c.App.Writer, p)
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("cannot find the bench binary to run each point in: %w", err)
	}
	if err := os.MkdirAll(p.out, 0o755); err != nil {
		return badInput("cannot create --out %s: %v", p.out, err)
	}
	progress := c.App.ErrWriter
	if c.Bool("quiet") {
		progress = io.Discard
	}
	return runSweep(c.Context, p, exe, c.App.Writer, c.App.ErrWriter, progress)
}

// runSweep measures the plan's points of this shard in index order, each
// in a child process of exe, appending each to points.jsonl and rewriting
// the outputs after each point. With p.resume, the points it holds are
// kept and not measured again. It prints the summary tables to stdout and
// returns a cli exit error when interrupted (ExitInterrupt) or when a point
// failed (ExitFailure).
func runSweep(ctx context.Context, p *sweepPlan, exe string, stdout, stderr, progress io.Writer) error {
	rec := &harness.Record{
		Schema: harness.SchemaVersion, Task: "sweep", Started: time.Now().UTC(),
		Machine: harness.ThisMachine(), Train: p.train, Sweep: &p.cfg,
	}
	done := map[int]bool{}
	jsonlFlags := os.O_CREATE | os.O_TRUNC | os.O_WRONLY | os.O_APPEND
	if r := p.resume; r != nil {
		rec.Started, rec.Points = r.started, r.done
		for _, pt := range r.done {
			done[pt.Index] = true
		}
		if err := rewriteJSONLines(filepath.Join(p.out, pointsFile), r.raw); err != nil {
			return fmt.Errorf("writing results to %s: %w", p.out, err)
		}
		jsonlFlags &^= os.O_TRUNC
		dropped := ""
		if r.dropped > 0 {
			dropped = fmt.Sprintf(" (%d torn or repeated line(s) of %s dropped)", r.dropped, pointsFile)
		}
		fmt.Fprintf(stderr, "bench: resuming %s: %d point(s) finished%s\n", p.out, len(r.done), dropped)
	}
	jsonl, err := os.OpenFile(filepath.Join(p.out, pointsFile), jsonlFlags, 0o644)
	if err != nil {
		return fmt.Errorf("writing results to %s: %w", p.out, err)
	}
	defer jsonl.Close()
	if err := writeSweepOutputs(p.out, rec); err != nil {
		return err
	}
	var mine []int
	for i := 0; i < p.cfg.NumPoints(); i++ {
		if p.cfg.InShard(i) && !done[i] {
			mine = append(mine, i)
		}
	}
	fmt.Fprintf(stderr, "bench: sweep of %s × %d length(s), %d point(s) to measure%s, on %s, writing %s\n",
		modelCount(p.cfg.Models), len(p.cfg.Lengths), len(mine), shardText(p.cfg, " in "), rec.Machine.CPU, p.out)
	failed := 0
	for _, pt := range rec.Points {
		if pt.Status == harness.PointFailed {
			failed++
		}
	}
	fits := newFitCache(p.cfg.Batch, float64(p.cfg.MaxMemBytes))
	t0 := time.Now()
	for k, i := range mine {
		if ctx.Err() != nil {
			break
		}
		spec := p.cfg.Spec(i, p.train)
		pt, err := measureInChild(ctx, exe, spec, fits, p.cfg.MaxMemBytes, p.timeout)
		if err != nil {
			if ctx.Err() != nil {
				break // interrupted: the unfinished point is not recorded
			}
			return err
		}
		if pt.Status == harness.PointFailed {
			failed++
		}
		rec.Points = append(rec.Points, pt)
		if err := appendJSONLine(jsonl, pt); err != nil {
			return fmt.Errorf("writing results to %s: %w", p.out, err)
		}
		if err := writeSweepOutputs(p.out, rec); err != nil {
			return err
		}
		fmt.Fprintf(progress, "[%d/%d %s] %s\n", k+1, len(mine), time.Since(t0).Round(time.Second), pt)
	}
	fmt.Fprintln(stdout)
	if err := reports.SweepSummary(stdout, rec); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "bench: wrote %s (%d point(s) in %s)\n", p.out, len(rec.Points), time.Since(t0).Round(time.Second))
	switch {
	case ctx.Err() != nil:
		return cli.Exit("interrupted; finished points are in "+p.out+"; --resume "+p.out+" with the same flags measures the rest", ExitInterrupt)
	case failed > 0:
		return cli.Exit(fmt.Sprintf("%d point(s) failed; the reasons are in %s", failed, filepath.Join(p.out, "results.md")), ExitFailure)
	}
	return nil
}

// fitCache holds each model config's harness.MemoryFit at the sweep's
// batch, or why it has none (too big for the limit).
type fitCache struct {
	B     int
	limit float64
	fits  map[models.Config]*harness.MemoryFit
	errs  map[models.Config]error
}

func newFitCache(B int, limit float64) *fitCache {
	return &fitCache{B: B, limit: limit, fits: map[models.Config]*harness.MemoryFit{}, errs: map[models.Config]error{}}
}

// get returns c's fit, computing it once.
func (f *fitCache) get(c models.Config) (*harness.MemoryFit, error) {
	if fit, ok := f.fits[c]; ok {
		return fit, f.errs[c]
	}
	fit, err := harness.FitMemory(c, f.B, f.limit)
	f.fits[c], f.errs[c] = fit, err
	return fit, err
}

// pointMemory returns the analytic peak bytes of spec's point, and whether
// that figure is only a lower bound (the model is too big to build).
func (f *fitCache) pointMemory(spec harness.PointSpec) (float64, bool, error) {
	fit, err := f.get(spec.Model)
	var big *harness.TooBigError
	if errors.As(err, &big) {
		return big.AtLeast, true, nil
	}
	if err != nil {
		return 0, false, err
	}
	return fit.Point(spec.T), false, nil
}

// measureInChild checks the point's analytic memory against maxMem and,
// if it fits, measures the point in a child process. A point over maxMem
// comes back skipped, with the reason. Absurd sizes are judged from the
// shapes alone, without building the model (harness.FitMemory).
func measureInChild(ctx context.Context, exe string, spec harness.PointSpec, fits *fitCache, maxMem int64, timeout time.Duration) (harness.Point, error) {
	est, atLeast, err := fits.pointMemory(spec)
	if err != nil {
		return harness.Point{}, err
	}
	if est > float64(maxMem) {
		pt := harness.NewPoint(spec)
		pt.Status = harness.PointSkipped
		bound := ""
		if atLeast {
			bound = "at least "
		}
		pt.Reason = fmt.Sprintf("analytic memory %s%s exceeds --max-mem %s", bound, humanBytes(est), reports.HumanBytes(maxMem))
		return pt, nil
	}
	return runPointProcess(ctx, exe, spec, timeout)
}

// printSweepPlan prints what a --dry-run of the sweep p would measure.
func printSweepPlan(w io.Writer, p *sweepPlan) error {
	done := map[int]bool{}
	if p.resume != nil {
		for _, pt := range p.resume.done {
			done[pt.Index] = true
		}
	}
	fmt.Fprintf(w, "Dry run: nothing measured or written. Sweep of %s × lengths %v, batch %d, %d+%d steps per point%s, --max-mem %s; output %s.\n\n",
		modelCount(p.cfg.Models), p.cfg.Lengths, p.cfg.Batch, p.cfg.WarmupSteps, p.cfg.Repeats, shardText(p.cfg, ", "), reports.HumanBytes(p.cfg.MaxMemBytes), p.out)
	fits := newFitCache(p.cfg.Batch, float64(p.cfg.MaxMemBytes))
	var rows [][]string
	for i := 0; i < p.cfg.NumPoints(); i++ {
		if !p.cfg.InShard(i) {
			continue
		}
		spec := p.cfg.Spec(i, p.train)
		est, atLeast, err := fits.pointMemory(spec)
		if err != nil {
			return err
		}
		mem, would := humanBytes(est), "measure"
		if atLeast {
			mem = "≥ " + mem
		}
		switch {
		case done[i]:
			would = "finished"
		case est > float64(p.cfg.MaxMemBytes):
			would = "skip: over --max-mem"
		}
		rows = append(rows, []string{fmt.Sprint(i), harness.ModelName(spec.Model), fmt.Sprint(spec.T), mem, would})
	}
	return reports.Markdown(w, []string{"point", "model", "T", "analytic memory", "would"}, rows)
}

// pointsFile is the append-only JSON-lines log of finished points.
const pointsFile = "points.jsonl"

// writeSweepOutputs (re)writes results.json, results.bench (with this
// process's calibration) and the views of a sweep in dir.
func writeSweepOutputs(dir string, rec *harness.Record) error {
	if err := harness.WriteJSON(filepath.Join(dir, "results.json"), rec); err != nil {
		return fmt.Errorf("writing results to %s: %w", dir, err)
	}
	if err := writeResultsBench(dir, rec, processCalibration()); err != nil {
		return fmt.Errorf("writing results to %s: %w", dir, err)
	}
	_, err := writeViews(dir, rec)
	return err
}
