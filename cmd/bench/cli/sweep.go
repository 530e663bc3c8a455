package cli

import (
	"context"
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
	"rnnbench/views"
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
	runOnlyFlags   = []string{"seq-len", "copy-tokens", "steps", "warmup", "eval-every", "eval-batches", "eval-full", "target-acc", "data", "sample", "temperature", "top-k", "checkpoint-every", "seeds"}
	sweepOnlyFlags = []string{"lengths", "max-mem", "point-timeout", "repeats", "peer"}
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
	units   []harness.Unit // one per point, Index = point index
	jobs    int
	config  map[string]any // the resolved flags, for the record
	resume  *sweepResume   // --resume: the points the interrupted sweep finished
	peer    *harness.Peer  // --peer: nil for none
}

// sweepResume is what an interrupted sweep left in its folder.
type sweepResume struct {
	started time.Time // zero when killed before its first record
	prior   *harness.Finished[harness.Point]
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
	if len(s.LRs) > 1 || len(s.WDs) > 1 || len(s.Layers) > 1 {
		return nil, badInput("--lr, --weight-decay and --layers take one value for --task sweep (a sweep times steps at one size; it does not tune)")
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
	peer, err := sweepPeer(c) // sweepflags.go
	if err != nil {
		return nil, err
	}
	jobs, shard, shards, err := engineFlags(c)
	if err != nil {
		return nil, err
	}
	p := &sweepPlan{
		cfg: harness.SweepConfig{
			Models: cfgs, Lengths: s.Lengths, Batch: s.Train.Batch, WarmupSteps: 2, Repeats: s.Repeats,
			MaxMemBytes: maxMem, PointTimeoutS: timeout.Seconds(), Shard: shard, Shards: shards,
		},
		train:   s.Train,
		timeout: timeout,
		jobs:    jobs,
		peer:    peer,
	}
	if peer != nil {
		p.cfg.Peer = peer.Engine
	}
	p.train.Steps = p.cfg.WarmupSteps + p.cfg.Repeats
	p.train.EvalEvery, p.train.EvalBatches, p.train.TargetAcc = 0, 0, 0
	for i := range p.cfg.NumPoints() {
		sp := p.cfg.Spec(i, p.train)
		p.units = append(p.units, harness.Unit{Index: i, ID: fmt.Sprintf("%s T=%d", sp.Model.Name(), sp.T), Key: harness.UnitKey{
			Kind: harness.UnitPoint, Task: "sweep", Model: sp.Model, Train: sp.Train, T: sp.T, B: sp.Train.Batch, Warmup: sp.WarmupSteps, Repeats: sp.Repeats,
		}})
	}
	var prev *harness.Record
	if p.out, prev, err = outDir(c, "sweep-"+modelsName(model)); err != nil {
		return nil, err
	}
	if c.IsSet("resume") {
		if p.resume, err = loadSweepResume(p.out, prev, p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// loadSweepResume reads the points the interrupted sweep in dir (whose
// record is rec, nil if it wrote none) finished and checks them against
// the plan p.
func loadSweepResume(dir string, rec *harness.Record, p *sweepPlan) (*sweepResume, error) {
	r := &sweepResume{}
	if rec != nil {
		if rec.Task != "sweep" || rec.Sweep == nil {
			return nil, badInput("--resume %s holds a %s run, not a sweep: resume it without --task sweep", dir, rec.Task)
		}
		type identity struct {
			Sweep harness.SweepConfig `json:"sweep"`
			Train harness.TrainConfig `json:"train"`
		}
		if err := sameSettings(dir, "sweep", identity{*rec.Sweep, rec.Train}, identity{p.cfg, p.train}); err != nil {
			return nil, err
		}
		r.started = rec.Started
	}
	var err error
	r.prior, err = loadFinished(dir, pointsFile, p.units, p.cfg.Shard, p.cfg.Shards, pointUnit)
	return r, err
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
	progress := c.App.ErrWriter
	if c.Bool("quiet") {
		progress = io.Discard
	}
	p.config = resolvedConfig(c)
	return runSweep(c.Context, p, exe, c.App.Writer, c.App.ErrWriter, progress)
}

// runSweep measures the plan's points of this shard on the engine, each
// in a child process of exe, appending each to points.jsonl and rewriting
// the outputs after each point. With p.resume, the points it holds are
// kept and not measured again. It prints the summary tables to stdout and
// returns a cli exit error when interrupted (ExitInterrupt) or when a point
// failed (ExitFailure).
func runSweep(ctx context.Context, p *sweepPlan, exe string, stdout, stderr, progress io.Writer) error {
	rec := &harness.Record{
		Schema: harness.SchemaVersion, Task: "sweep", Started: time.Now().UTC(),
		Machine: harness.ThisMachine(), Train: p.train, Sweep: &p.cfg, Units: p.units, Config: p.config,
	}
	fits := harness.NewFitCache(p.cfg.Batch, float64(p.cfg.MaxMemBytes))
	t0 := time.Now()
	k, todo := 0, 0
	x := &experiment[harness.Point]{
		eng: harness.Engine[harness.Point]{Dir: p.out, Log: pointsFile, Units: p.units, Shard: p.cfg.Shard, Shards: p.cfg.Shards, Jobs: p.jobs,
			Run: func(ctx context.Context, u harness.Unit) (harness.Point, bool, error) {
				pt, err := harness.MeasureInChild(ctx, exe, p.cfg.Spec(u.Index, p.train), fits, p.cfg.MaxMemBytes, p.timeout, humanBytes)
				pt.Unit = &u
				if p.peer != nil && err == nil && pt.Status == harness.StatusOK { // peer.go: the same point in the peer, right after
					peer := p.peer.Measure(ctx, p.cfg.Spec(u.Index, p.train), pt, p.timeout)
					if ctx.Err() != nil { // interrupted during the peer: the point stays unfinished, --resume measures both again
						return pt, false, ctx.Err()
					}
					pt.Peer = &peer
				}
				return pt, err == nil, err
			}},
		rec:   rec,
		place: func(rec *harness.Record, pts []harness.Point) { rec.Points = pts },
		write: writeSweepOutputs,
		after: func(_ harness.Unit, pt harness.Point, _ bool) {
			k++
			fmt.Fprintf(progress, "[%d/%d %s] %s\n", k, todo, time.Since(t0).Round(time.Second), pt)
			if pt.Peer != nil {
				fmt.Fprintf(progress, "    peer %s\n", views.PeerLine(pt))
			}
		},
	}
	if r := p.resume; r != nil {
		x.prior = r.prior
		if !r.started.IsZero() {
			rec.Started = r.started
		}
	}
	var done map[int]harness.Point
	if x.prior != nil {
		done = x.prior.Entries
	}
	todo = len(x.eng.Pending(done))
	fmt.Fprintf(stderr, "bench: sweep of %s × %d length(s), %d point(s) to measure%s, on %s, writing %s\n",
		modelCount(p.cfg.Models), len(p.cfg.Lengths), todo, shardNote(p.cfg.Shard, p.cfg.Shards), rec.Machine.CPU, p.out)
	if err := x.execute(ctx, stderr); err != nil {
		return err
	}
	failed := 0
	for _, pt := range rec.Points {
		if pt.Status == harness.StatusFailed {
			failed++
		}
	}
	fmt.Fprintln(stdout)
	if err := views.SweepSummary(stdout, rec); err != nil {
		return err
	}
	if err := views.PeerMarkdown(stdout, rec); err != nil { // peerview.go: nothing without --peer
		return err
	}
	fmt.Fprintf(stderr, "bench: wrote %s (%d point(s) in %s)\n", p.out, len(rec.Points), time.Since(t0).Round(time.Second))
	switch {
	case ctx.Err() != nil:
		return interrupted("points", p.out, "measures the rest")
	case failed > 0:
		return cli.Exit(fmt.Sprintf("%d point(s) failed; the reasons are in %s", failed, filepath.Join(p.out, "results.md")), ExitFailure)
	}
	return nil
}

// printSweepPlan prints what a --dry-run of the sweep p would measure:
// each point's analytic memory and a time estimated from a short timing
// probe (harness.ProbeStepMs): its warm-up and timed steps, and the timed
// forwards at a third of a step each.
func printSweepPlan(w io.Writer, p *sweepPlan) error {
	fmt.Fprintf(w, "Dry run: nothing measured or written. Sweep of %s × lengths %v, batch %d, %d+%d steps per point%s, --max-mem %s; output %s.\n\n",
		modelCount(p.cfg.Models), p.cfg.Lengths, p.cfg.Batch, p.cfg.WarmupSteps, p.cfg.Repeats, shardNote(p.cfg.Shard, p.cfg.Shards), views.HumanBytes(p.cfg.MaxMemBytes), p.out)
	fits := harness.NewFitCache(p.cfg.Batch, float64(p.cfg.MaxMemBytes))
	var rows [][]string
	for i := 0; i < p.cfg.NumPoints(); i++ {
		if !p.cfg.InShard(i) {
			continue
		}
		spec := p.cfg.Spec(i, p.train)
		est, atLeast, err := fits.PointMemory(spec)
		if err != nil {
			return err
		}
		mem, would, secs := humanBytes(est), "measure", ""
		if atLeast {
			mem = "≥ " + mem
		}
		_, done := map[int]harness.Point(nil)[i]
		if p.resume != nil {
			_, done = p.resume.prior.Entries[i]
		}
		switch {
		case done:
			would = "finished"
		case est > float64(p.cfg.MaxMemBytes):
			would = "skip: over --max-mem"
		default:
			ms, ok, err := harness.ProbeStepMs(spec.Model, spec.Train, spec.T)
			if err != nil {
				return err
			}
			secs = "not probed: too big"
			if ok {
				secs = durationText(ms / 1e3 * (float64(spec.WarmupSteps+spec.Repeats) + float64(spec.Repeats)/3))
			}
		}
		rows = append(rows, []string{fmt.Sprint(i), spec.Model.Name(), fmt.Sprint(spec.T), mem, secs, would})
	}
	return reports.Markdown(w, []string{"point", "model", "T", "analytic memory", "est. time (probe)", "would"}, rows)
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
