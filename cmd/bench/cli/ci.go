package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
	"rnnbench/models"
	"rnnbench/tasks"
	"rnnbench/views"
)

// DefaultBaseline is the committed baseline `bench ci` compares with,
// relative to the repository root.
const DefaultBaseline = "testdata/ci/baseline.txt"

// ciSuite is a fixed set of measurements. Every figure depends on it, so a
// change to it (or to the models' numerics) needs a new baseline:
// `bench ci --update-baseline`.
type ciSuite struct {
	Copy   tasks.SelectiveCopy          // the training task
	Models []models.Config              // complete configs, trained and measured in this order
	Train  harness.TrainConfig          // TargetAcc 0: every model takes exactly Train.Steps steps
	Points []int                        // sequence lengths of the in-process sweep points of every model
	Point  harness.PointSpec            // B (Train.Batch), warm-up and timed steps of those points
	Calib  int                          // repetitions of each calibration kernel, measured before the suite, after each model and at the end
	Eval   uint64                       // seed of the held-out batches
	wrap   func(*models.Model[float32]) // test only: applied to each trained model before Alloc; nil in bench ci
}

// quickSuite is what `bench ci` runs: every mixer (minGRU in both modes,
// minLSTM parallel) at L = 2, D = 32 trained for 30 steps of B = 16
// sequences of selective copying with T = 64, evaluated at steps 15 and 30
// on 2 held-out batches, then one sweep point per model at T = 256 (B = 4,
// 1 + 5 steps, 16 generated tokens), and the calibration before, between
// and after (so that its median follows a machine whose load changes).
// About 20 s on 2 cores. Tests replace it with a smaller suite.
var quickSuite = ciSuite{
	Copy:   tasks.SelectiveCopy{T: 64, K: 8},
	Models: suiteModels(models.Config{V: tasks.CopyVocab, L: 2, D: 32, Expansion: 2, H: 4, N: 8}, "mingru/parallel", "mingru/sequential", "minlstm/parallel", "gru", "lstm", "transformer", "mamba"),
	Train: harness.TrainConfig{Batch: 16, Steps: 30, LR: 3e-3, LRMin: 3e-4, Warmup: 5, Beta1: 0.9, Beta2: 0.99,
		WeightDecay: 0.1, Clip: 1, EvalEvery: 15, EvalBatches: 2, Seed: 1},
	Points: []int{256},
	Point:  harness.PointSpec{WarmupSteps: 1, Repeats: 5, Train: harness.TrainConfig{Batch: 4}},
	Calib:  harness.CalibReps,
	Eval:   1_000_004,
}

// suiteModels returns arch with each "mixer" or "mixer/mode" filled in.
// It panics on an invalid config: suites are fixed at compile time.
func suiteModels(arch models.Config, names ...string) []models.Config {
	var out []models.Config
	for _, n := range names {
		c := arch
		c.Mixer, c.Mode, _ = strings.Cut(n, "/")
		if err := c.Validate(); err != nil {
			panic(fmt.Sprintf("ci suite model %s: %v", n, err))
		}
		out = append(out, c)
	}
	return out
}

func ciCommand() *cli.Command {
	flags := append([]cli.Flag{
		&cli.StringFlag{Name: "baseline", Value: DefaultBaseline, Usage: "the committed baseline to compare with (a results.bench-format file)"},
		&cli.BoolFlag{Name: "update-baseline", Usage: "write this run's results to --baseline instead of failing on changes (prints the changes from the old baseline, if readable)"},
		&cli.StringFlag{Name: "out", Usage: "also keep this run's results (results.bench, results.json, results.md, loss.png) in this folder"},
		&cli.BoolFlag{Name: "quiet", Usage: "no progress lines on stderr"},
	}, compareFlags()...)
	return &cli.Command{
		Name:  "ci",
		Usage: "run a fixed quick suite and compare it with the committed baseline (exit 1 on regressions)",
		Description: "Trains every model for a few steps on a small selective-copying task, measures one sweep\n" +
			"point per model and the machine calibration (a fixed sgemm and a fixed scan), then compares\n" +
			"with --baseline exactly as `bench compare` does and prints the Markdown table. Exact metrics\n" +
			"(parameters, analytic bytes, FLOPs, seeded losses and accuracies at a fixed step) are\n" +
			"bit-reproducible on the same goarch, Go version and matmul backend; timings are divided by the\n" +
			"calibration ratio. Use --timing warn where only exact metrics may fail the run. After an\n" +
			"intended change of the models' numerics, regenerate the baseline with --update-baseline and\n" +
			"commit it.",
		Flags:  flags,
		Action: ciAction,
	}
}

func ciAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return badInput("ci takes no arguments, got %q (flags start with --)", c.Args().First())
	}
	opt, err := compareOptions(c)
	if err != nil {
		return err
	}
	path, update := c.String("baseline"), c.Bool("update-baseline")
	base, err := readResults(path, "baseline")
	if err != nil && !update {
		return badInput("%v (create it with: bench ci --update-baseline --baseline %s)", err, path)
	}
	out := c.String("out")
	if st, err := os.Stat(out); out != "" && err == nil && !st.IsDir() {
		return badInput("--out %s is a file; give a folder (it is created if missing)", out)
	}
	sw, closeSummary, err := summaryWriter(c.String("summary"))
	if err != nil {
		return err
	}
	defer closeSummary()
	progress := c.App.ErrWriter
	if c.Bool("quiet") {
		progress = io.Discard
	}

	t0 := time.Now()
	rec, cals, err := runSuite(c.Context, quickSuite, progress)
	if err != nil {
		if c.Context.Err() != nil {
			return cli.Exit("interrupted; nothing compared", ExitInterrupt)
		}
		return err
	}
	fmt.Fprintf(c.App.ErrWriter, "bench ci: suite of %d model(s) took %.1f s on %s\n", len(quickSuite.Models), time.Since(t0).Seconds(), rec.Machine.CPU)
	var buf bytes.Buffer
	if err := views.WriteRecordBench(&buf, rec, cals...); err != nil {
		return err
	}
	cur := &resultSet{path: "this run", config: views.MachineConfig(rec.Machine)}
	if _, cur.results, err = views.ReadBenchFile(bytes.NewReader(buf.Bytes())); err != nil {
		return fmt.Errorf("reading back this run's results: %w", err)
	}
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return badInput("cannot create --out %s: %v", out, err)
		}
		if err := writeOutputsCal(out, rec, cals...); err != nil {
			return fmt.Errorf("writing results to %s: %w", out, err)
		}
	}
	if update {
		if base != nil {
			_ = writeComparison(c.App.Writer, nil, "bench ci --update-baseline: changes from the old baseline", base, cur, opt)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("writing the baseline: %w", err)
		}
		if err := harness.WriteFileAtomic(path, buf.Bytes()); err != nil {
			return fmt.Errorf("writing the baseline: %w", err)
		}
		fmt.Fprintf(c.App.ErrWriter, "bench ci: wrote baseline %s (%d results); commit it\n", path, len(cur.results))
		return nil
	}
	return writeComparison(c.App.Writer, sw, "bench ci", base, cur, opt)
}

// runSuite trains and measures every model of s in this process, as a
// plan of units on the experiment engine (no folder, no log: one job, in
// plan order), and returns the record (training results and sweep points)
// and the calibrations measured before the first model, after each and at
// the end. Progress lines go to progress. It returns an error if a model
// cannot be built or a point fails, or ctx.Err() when cancelled.
func runSuite(ctx context.Context, s ciSuite, progress io.Writer) (*harness.Record, []harness.Calibration, error) {
	taskCfg := map[string]any{"seq_len": s.Copy.T, "copy_tokens": s.Copy.K, "V": tasks.CopyVocab}
	rec := &harness.Record{
		Schema: harness.SchemaVersion, Task: "selective-copy", Started: time.Now().UTC(),
		Machine: harness.ThisMachine(), Train: s.Train, TaskCfg: taskCfg,
	}
	// A unit's entry is its training result or its sweep point.
	type entry struct {
		res *harness.Result
		pt  *harness.Point
	}
	var units []harness.Unit
	for _, cfg := range s.Models {
		units = append(units, harness.Unit{Index: len(units), ID: cfg.Name(), Key: harness.UnitKey{
			Kind: harness.UnitTrain, Task: rec.Task, TaskCfg: taskCfg, Model: cfg, Train: s.Train, T: s.Copy.T, B: s.Train.Batch}})
	}
	var points []harness.PointSpec
	for _, cfg := range s.Models {
		for _, T := range s.Points {
			spec := s.Point
			spec.Model, spec.T = cfg, T
			spec.Train = s.Train
			spec.Train.Batch, spec.Train.Steps = s.Point.Train.Batch, s.Point.WarmupSteps+s.Point.Repeats
			points = append(points, spec)
			units = append(units, harness.Unit{Index: len(units), ID: fmt.Sprintf("%s T=%d", cfg.Name(), T), Key: harness.UnitKey{
				Kind: harness.UnitPoint, Task: "sweep", Model: cfg, Train: spec.Train, T: T, B: spec.Train.Batch, Warmup: spec.WarmupSteps, Repeats: spec.Repeats}})
		}
	}
	cals := []harness.Calibration{harness.Calibrate(s.Calib)}
	eng := harness.Engine[entry]{Units: units, Jobs: 1,
		Run: func(ctx context.Context, u harness.Unit) (entry, bool, error) {
			if u.Key.Kind == harness.UnitTrain {
				spec := harness.TrainSpec{Unit: u, Copy: s.Copy, EvalSeed: s.Eval}
				res, err := harness.RunTrainUnit(ctx, spec, harness.UnitEnv{Wrap: s.wrap})
				if err == nil {
					err = ctx.Err()
				}
				return entry{res: &res}, true, err
			}
			p, err := harness.MeasurePoint(ctx, points[u.Index-len(s.Models)])
			if err != nil && ctx.Err() == nil {
				err = fmt.Errorf("ci point %s T=%d: %w", p.Name, p.T, err)
			}
			// The process's peak RSS so far is not this point's: only a sweep's
			// child processes measure one per point.
			p.PeakRSSBytes = 0
			return entry{pt: &p}, true, err
		},
		Done: func(_ harness.Unit, e entry, _ bool) error {
			if r := e.res; r != nil {
				rec.Results = append(rec.Results, *r)
				cals = append(cals, harness.Calibrate(s.Calib))
				fmt.Fprintf(progress, "bench ci: train %-18s %8.2f ms/step  %s\n", r.Name, r.StepMs.Median, lastEval(*r))
			} else {
				rec.Points = append(rec.Points, *e.pt)
				fmt.Fprintf(progress, "bench ci: point %s\n", *e.pt)
			}
			return nil
		},
	}
	if err := eng.Execute(ctx, nil); err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	cals = append(cals, harness.Calibrate(s.Calib))
	return rec, cals, nil
}

// lastEval describes a result's last evaluation, or its status.
func lastEval(r harness.Result) string {
	if n := len(r.Evals); n > 0 {
		return fmt.Sprintf("loss %.4f  accuracy %.3f  (%s)", r.Evals[n-1].Loss, r.Evals[n-1].Accuracy, r.Status)
	}
	return r.Status + " " + r.Reason
}
