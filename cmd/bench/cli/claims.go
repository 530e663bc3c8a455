package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"rnnbench/claims"
	"rnnbench/harness"
	"rnnbench/views"
)

// bench claims: every claim of the paper and of its critics, checked by
// one plan of ordinary experiments (package claims), each run as `bench
// run` into <out>/<experiment> on the experiment engine, then claims.md.

func claimsCommand() *cli.Command {
	return &cli.Command{
		Name:      "claims",
		Usage:     "check every claim of the paper and of its critics: run the preset's experiments, write claims.md with a verdict per claim",
		ArgsUsage: "[SHARD-DIR... with --merge]",
		Description: "Runs each experiment of the preset (a sweep, selective copying over 1-3 layers, char-lm, parity, MQAR) as\n" +
			"bench run into <out>/<experiment>, then decides each claim by the rules of README \"Verdict rules\" and writes\n" +
			"<out>/claims.md and <out>/index.html. --resume continues every experiment; --shard i/n runs shard i of\n" +
			"every experiment (for Slurm arrays or Kubernetes indexed Jobs); --merge --out DIR SHARD-DIR... merges the\n" +
			"shards' folders experiment by experiment and writes the report. --dry-run lists every unit with its\n" +
			"memory and estimated time.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "preset", Value: "quick", Usage: "scale: quick (a 2-core machine), paper (the paper's scales, for a cluster) or tiny (seconds, for tests)"},
			&cli.StringFlag{Name: "out", Usage: "claims folder (default results/claims-<preset>-<UTC time>)"},
			&cli.StringFlag{Name: "resume", Usage: "continue the interrupted bench claims in this folder (its --out), with the same --preset"},
			&cli.StringFlag{Name: "data", Usage: "char-lm corpus (default: tiny Shakespeare, downloaded to the user cache)"},
			&cli.StringFlag{Name: "shard", Usage: "run shard i of n (i/n, 0-based) of every experiment (default: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX, as bench run)"},
			&cli.IntFlag{Name: "shard-count", Usage: "Kubernetes indexed Jobs: the number of shards (completions); the index comes from JOB_COMPLETION_INDEX"},
			&cli.IntFlag{Name: "jobs", Value: 1, Usage: "training units run at once in each experiment (the sweep's timed points keep 1)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "list every unit with its memory and estimated time; train and write nothing"},
			&cli.BoolFlag{Name: "merge", Usage: "merge the shard folders given as arguments into --out and write the report"},
			&cli.BoolFlag{Name: "report", Usage: "with --resume DIR: rewrite claims.md from the experiments as they stand, running nothing (unfinished ones show as partial or not yet measured)"},
			&cli.BoolFlag{Name: "quiet", Usage: "no progress lines"},
		},
		Action: claimsAction,
	}
}

func claimsAction(c *cli.Context) error {
	p, ok := claims.Plan(c.String("preset"), c.String("data"))
	if !ok {
		return badInput("unknown --preset %q%s: allowed %s", c.String("preset"), suggest(c.String("preset"), claims.Presets), strings.Join(claims.Presets, ", "))
	}
	if c.Bool("merge") {
		return claimsMerge(c, p)
	}
	if c.NArg() > 0 {
		return badInput("claims takes no arguments without --merge, got %q", c.Args().First())
	}
	if c.Int("jobs") < 1 {
		return badInput("--jobs must be an integer ≥ 1, got %d", c.Int("jobs"))
	}
	out, resume, err := outFlags(c)
	if err != nil {
		return err
	}
	if resume {
		if _, err := os.Stat(out); err != nil {
			return badInput("--resume %s: not a claims folder (give the --out of the interrupted bench claims)", out)
		}
	}
	if c.Bool("report") {
		if !resume {
			return badInput("--report needs --resume DIR: the claims folder to report on")
		}
		return writeClaims(c, out, p)
	}
	if out == "" {
		out = defaultOut("claims-" + p.Name)
	}
	if st, err := os.Stat(out); err == nil && !st.IsDir() {
		return badInput("--out %s is a file; give a folder (it is created if missing)", out)
	}
	if _, err := os.Stat(filepath.Join(out, claims.ReportFile)); err == nil && !resume {
		return badInput("--out %s already holds a claims report: continue it with --resume %s, or choose another folder", out, out)
	}
	var common []string
	for _, f := range []string{"shard", "shard-count", "jobs"} {
		if c.IsSet(f) {
			common = append(common, "--"+f, fmt.Sprint(c.Value(f)))
		}
	}
	for _, f := range []string{"dry-run", "quiet"} {
		if c.Bool(f) {
			common = append(common, "--"+f)
		}
	}
	for _, e := range p.Experiments {
		dir := filepath.Join(out, e.Name)
		where := subFolderArgs(dir, resume)
		args := append(append(append([]string{"bench", "run"}, e.Args...), where...), common...)
		if e.Name == claims.ExpSweep && slices.Contains(common, "--jobs") {
			args = deleteArg(args, "--jobs") // timed points run one at a time
		}
		fmt.Fprintf(c.App.ErrWriter, "bench: claims %s: experiment %s (claims %v) in %s\n", p.Name, e.Name, e.Claims, dir)
		if code := Run(c.Context, args, c.App.Writer, c.App.ErrWriter); code != ExitOK {
			return cli.Exit("", code)
		}
	}
	if c.Bool("dry-run") {
		return nil
	}
	return writeClaims(c, out, p)
}

// deleteArg drops flag and its value from args.
func deleteArg(args []string, flag string) []string {
	i := slices.Index(args, flag)
	if i < 0 {
		return args
	}
	return append(args[:i:i], args[i+2:]...)
}

// claimsMerge merges the shards' folders experiment by experiment.
func claimsMerge(c *cli.Context, p claims.Preset) error {
	out := c.String("out")
	if out == "" || c.NArg() < 1 {
		return badInput("claims --merge needs --out DIR and at least one shard folder")
	}
	for _, e := range p.Experiments {
		args := []string{"bench", "merge", "--out", filepath.Join(out, e.Name)}
		n := 0
		for _, sh := range c.Args().Slice() {
			if _, err := os.Stat(filepath.Join(sh, e.Name, "results.json")); err == nil {
				args = append(args, filepath.Join(sh, e.Name))
				n++
			}
		}
		if n == 0 {
			continue
		}
		if code := Run(c.Context, args, c.App.Writer, c.App.ErrWriter); code != ExitOK {
			return cli.Exit("", code)
		}
	}
	return writeClaims(c, out, p)
}

// writeClaims decides every claim from the folder's experiments and
// writes claims.md, index.html and the summary on stdout.
func writeClaims(c *cli.Context, out string, p claims.Preset) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return badInput("cannot create --out %s: %v", out, err)
	}
	fs := claims.Evaluate(out, p)
	m := harness.ThisMachine()
	machine := fmt.Sprintf("%s, %d cores, %s, %s", m.CPU, m.Cores, m.GoVersion, time.Now().UTC().Format("2006-01-02"))
	var md strings.Builder
	if err := claims.WriteReport(&md, p, machine, fs); err != nil {
		return err
	}
	if err := harness.WriteFileAtomic(filepath.Join(out, claims.ReportFile), []byte(md.String())); err != nil {
		return fmt.Errorf("writing results to %s: %w", out, err)
	}
	var figs []views.PageFigure
	for _, f := range fs {
		if f.Figure != "" && f.Verdict != claims.NotYet {
			figs = append(figs, views.PageFigure{Title: fmt.Sprintf("%d. %s", f.N, f.Title), Src: f.Figure})
		}
	}
	var page strings.Builder
	if err := views.MarkdownPage(&page, "bench claims", md.String(), figs); err != nil {
		return err
	}
	if err := harness.WriteFileAtomic(filepath.Join(out, views.IndexFile), []byte(page.String())); err != nil {
		return fmt.Errorf("writing results to %s: %w", out, err)
	}
	fmt.Fprintf(c.App.Writer, "\n%s", md.String())
	fmt.Fprintf(c.App.ErrWriter, "bench: wrote %s\n", filepath.Join(out, claims.ReportFile))
	return nil
}
