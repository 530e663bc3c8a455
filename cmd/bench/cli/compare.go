package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
	"rnnbench/internal/safefile"
	"rnnbench/reports"
	"rnnbench/views"
)

func compareCommand() *cli.Command {
	return &cli.Command{
		Name:      "compare",
		Usage:     "compare new results with a baseline: a Markdown table of every shared metric; exit 1 if anything regressed",
		ArgsUsage: "BASELINE NEW",
		Description: "BASELINE and NEW are each a results folder (its results.bench, else its results.json) or a file:\n" +
			"a Go benchmark-format file (results.bench, a CI baseline, `go test -bench` output) or a results.json.\n" +
			"Every (benchmark, unit) in either is compared by its median over repetitions. Direction is known per\n" +
			"unit: times and bytes are lower-is-better, accuracy, tokens/s and GFLOP/s higher-is-better.\n" +
			"Exact metrics (parameter counts, analytic bytes, FLOPs, seeded losses and accuracies) must match\n" +
			"to --exact-tol; timings are first divided by the machine-speed ratio of the calibration measured\n" +
			"in each run (BenchmarkCalibrate/kernel=geomean), then held to --timing-tol; measured memory to\n" +
			"--memory-tol. Exit 0: nothing regressed; 1: something regressed (or a baseline metric is\n" +
			"missing); 2: bad arguments or an unreadable, foreign, truncated or other-schema input.",
		Flags:  compareFlags(),
		Action: compareAction,
	}
}

// compareFlags are the flags `bench compare` and `bench ci` share.
func compareFlags() []cli.Flag {
	d := reports.DefaultThresholds
	return []cli.Flag{
		&cli.Float64Flag{Name: "exact-tol", Value: d.Exact, Usage: "relative tolerance of exact metrics (params, analytic-B, state-B, flops/token, steps, seeded loss and accuracy); 0 for bit-equal"},
		&cli.Float64Flag{Name: "timing-tol", Value: d.Timing, Usage: "relative tolerance of timings (ns/*, tokens/s, GFLOP/s) after calibration"},
		&cli.Float64Flag{Name: "memory-tol", Value: d.Memory, Usage: "relative tolerance of measured memory (peak-B, B/op)"},
		&cli.StringFlag{Name: "timing", Value: "fail", Usage: "timing regressions: fail (exit 1), warn (verdict warn, exit 0) or off (timing rows left out)"},
		&cli.StringFlag{Name: "summary", Usage: "also append the Markdown report to this file, e.g. $GITHUB_STEP_SUMMARY"},
	}
}

func compareAction(c *cli.Context) error {
	if c.NArg() != 2 {
		return badInput("compare takes BASELINE and NEW (results folders or files), got %d argument(s)", c.NArg())
	}
	opt, err := compareOptions(c)
	if err != nil {
		return err
	}
	base, err := readResults(c.Args().Get(0), "baseline")
	if err != nil {
		return err
	}
	cur, err := readResults(c.Args().Get(1), "new")
	if err != nil {
		return err
	}
	sw, closeSummary, err := summaryWriter(c.String("summary"))
	if err != nil {
		return err
	}
	defer closeSummary()
	return writeComparison(c.App.Writer, sw, "bench compare", base, cur, opt)
}

// compareOptions reads the threshold and timing flags. A tolerance of 0 is
// bit-equality (reports.Compare would read 0 as its default).
func compareOptions(c *cli.Context) (reports.CompareOptions, error) {
	var opt reports.CompareOptions
	for _, f := range []struct {
		name string
		dst  *float64
	}{{"exact-tol", &opt.Thresholds.Exact}, {"timing-tol", &opt.Thresholds.Timing}, {"memory-tol", &opt.Thresholds.Memory}} {
		v := c.Float64(f.name)
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return opt, badInput("--%s must be a finite number ≥ 0, got %g", f.name, v)
		}
		if v == 0 {
			v = math.SmallestNonzeroFloat64
		}
		*f.dst = v
	}
	switch m := c.String("timing"); m {
	case "fail":
		opt.Timing = reports.TimingFail
	case "warn":
		opt.Timing = reports.TimingWarn
	case "off":
		opt.Timing = reports.TimingOff
	default:
		return opt, badInput("unknown --timing %q%s: allowed fail, warn, off", m, suggest(m, []string{"fail", "warn", "off"}))
	}
	return opt, nil
}

// resultSet is one side of a comparison.
type resultSet struct {
	path    string // as given
	config  []reports.Config
	results []reports.Result
}

// readResults reads a results folder (its results.bench, else its
// results.json) or a file: a results.json (by its .json extension or a
// leading '{') or a Go benchmark-format file. Every failure is a
// usageError naming the input by role ("baseline" or "new") and path.
func readResults(path, role string) (*resultSet, error) {
	file := path
	if st, err := os.Stat(path); err != nil {
		return nil, badInput("cannot read %s %q: %v", role, path, errors.Unwrap(err))
	} else if st.IsDir() {
		file = filepath.Join(path, BenchFile)
		if _, err := os.Stat(file); err != nil {
			file = filepath.Join(path, "results.json")
			if _, err := os.Stat(file); err != nil {
				return nil, badInput("%s folder %q has neither %s nor results.json", role, path, BenchFile)
			}
		}
	}
	// A regular file (no FIFO, device or folder) within the limits of a
	// results.json, and of a benchmark file unless it is JSON.
	data, err := safefile.ReadFile(file, safefile.Record)
	if err != nil {
		return nil, badInput("%s: %v", role, err)
	}
	set := &resultSet{path: path}
	if strings.HasSuffix(file, ".json") || bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		rec, err := harness.DecodeRecord(data, file)
		if err != nil {
			return nil, badInput("%s: %v", role, err)
		}
		set.config = append([]reports.Config{{Key: views.SchemaKey, Value: views.BenchSchema}}, views.MachineConfig(rec.Machine)...)
		set.results = views.RecordResults(rec)
		if len(set.results) == 0 {
			return nil, badInput("%s %q has no finished results", role, file)
		}
		return set, nil
	}
	if n := int64(len(data)); n > safefile.Bench.MaxBytes {
		return nil, badInput("%s %q is %s, more than the %s allowed for a benchmark file", role, file, safefile.Size(n), safefile.Size(safefile.Bench.MaxBytes))
	}
	set.config, set.results, err = views.ReadBenchFile(bytes.NewReader(data))
	switch {
	case errors.Is(err, views.ErrSchema):
		return nil, badInput("%s %q: %v (regenerate it with this bench, e.g. bench ci --update-baseline)", role, file, err)
	case errors.Is(err, views.ErrTruncated):
		return nil, badInput("%s %q is truncated: %v", role, file, err)
	case errors.Is(err, views.ErrNoResults):
		return nil, badInput("%s %q has no benchmark result lines: not a results file", role, file)
	case err != nil:
		return nil, badInput("%s %q: %v", role, file, err)
	}
	return set, nil
}

// openSummary opens path for appending (creating it), or returns nil for "".
func openSummary(path string) (*os.File, error) {
	if path == "" {
		return nil, nil
	}
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, badInput("--summary %q is not a regular file (%s): give a file to append the report to", path, st.Mode().Type())
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, badInput("cannot append to --summary %q: %v", path, errors.Unwrap(err))
	}
	return f, nil
}

// writeComparison compares cur with base, writes the Markdown report (a
// heading, the two sides, the tolerances and the table) to w and, if not
// nil, to summary, and returns a cli exit error with ExitFailure when
// anything regressed.
func writeComparison(w io.Writer, summary io.Writer, title string, base, cur *resultSet, opt reports.CompareOptions) error {
	rows, regressed := compareSets(base.results, cur.results, &opt)
	var b bytes.Buffer
	fmt.Fprintf(&b, "### rnnbench: %s\n\n", title)
	b.WriteString(strings.Join(preamble(base, cur, rows, opt), "\n") + "\n\n")
	if err := reports.WriteCompareMarkdown(&b, rows); err != nil {
		return err
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return err
	}
	if summary != nil {
		if _, err := summary.Write(append(b.Bytes(), '\n')); err != nil {
			return fmt.Errorf("appending to --summary: %w", err)
		}
	}
	if regressed {
		n := 0
		for _, r := range rows {
			if r.Verdict == "REGRESSED" || r.Verdict == "missing" {
				n++
			}
		}
		return cli.Exit(fmt.Sprintf("%d metric(s) regressed or missing against %s (see the table)", n, base.path), ExitFailure)
	}
	return nil
}

// compareSets runs reports.Compare with timings normalised by
// views.CalibrationName when either set has it (opt.Calibration is set
// then). The calibration kernels' own rows are information about the
// machine, not the code: they show raw values and never regress, unless
// missing.
func compareSets(base, cur []reports.Result, opt *reports.CompareOptions) ([]reports.Row, bool) {
	if hasResult(base, views.CalibrationName) || hasResult(cur, views.CalibrationName) {
		opt.Calibration = views.CalibrationName
	}
	rows, _ := reports.Compare(base, cur, *opt)
	calib := func(rs []reports.Result) []reports.Result {
		var out []reports.Result
		for _, r := range rs {
			if strings.HasPrefix(r.Name, views.CalibrationPrefix) {
				out = append(out, r)
			}
		}
		return out
	}
	raw, _ := reports.Compare(calib(base), calib(cur), reports.CompareOptions{Thresholds: opt.Thresholds, Timing: reports.TimingWarn})
	rawRow := map[[2]string]reports.Row{}
	for _, r := range raw {
		rawRow[[2]string{r.Name, r.Unit}] = r
	}
	regressed := false
	for i, r := range rows {
		if raw, ok := rawRow[[2]string{r.Name, r.Unit}]; ok && r.Name != opt.Calibration {
			if raw.Verdict != "new" && raw.Verdict != "missing" {
				raw.Verdict = "ok"
			}
			rows[i] = raw
		}
		if v := rows[i].Verdict; v == "REGRESSED" || v == "missing" {
			regressed = true
		}
	}
	return rows, regressed
}

func hasResult(rs []reports.Result, name string) bool {
	for _, r := range rs {
		if r.Name == name {
			return true
		}
	}
	return false
}

// preamble describes the two sides and how timings were compared.
func preamble(base, cur *resultSet, rows []reports.Row, opt reports.CompareOptions) []string {
	side := func(s *resultSet) string {
		v := func(k string) string {
			if x := views.ConfigValue(s.config, k); x != "" {
				return x
			}
			return "?"
		}
		return fmt.Sprintf("`%s` (commit %s, %s, %s/%s, matmul %s)", s.path, v("commit"), v("cpu"), v("goos"), v("goarch"), v("matmul"))
	}
	lines := []string{"- Baseline: " + side(base), "- New: " + side(cur)}
	t := opt.Thresholds
	tol := fmt.Sprintf("- Tolerances: exact %g, timing %g, memory %g (relative).", t.Exact, t.Timing, t.Memory)
	switch {
	case opt.Timing == reports.TimingOff:
		lines = append(lines, tol+" Timings not compared (--timing off).")
	case opt.Calibration == "":
		lines = append(lines, tol+" Timings compared raw: neither side has a calibration.")
	default:
		for _, r := range rows {
			if r.Name == opt.Calibration && r.Unit == "ns/op" && !math.IsNaN(r.Base) && !math.IsNaN(r.New) && r.Base > 0 {
				lines = append(lines, fmt.Sprintf("%s Timings divided by the machine-speed ratio %.3f (calibration, new/baseline).", tol, r.New/r.Base))
				break
			}
		}
		if len(lines) == 2 {
			lines = append(lines, tol+" Timings compared raw: the calibration is missing from one side.")
		}
		if opt.Timing == reports.TimingWarn {
			lines[2] += " Timing regressions warn and do not fail (--timing warn)."
		}
	}
	for _, k := range []string{"goarch", "go", "matmul"} {
		if a, b := views.ConfigValue(base.config, k), views.ConfigValue(cur.config, k); a != "" && b != "" && a != b {
			lines = append(lines, fmt.Sprintf("- Note: %s differs (%s vs %s): seeded losses may differ in the last bits.", k, a, b))
		}
	}
	return lines
}

// summaryWriter opens --summary FILE (openSummary) for appending. w is nil
// without --summary (not a nil *os.File, which would not compare equal to
// nil as an io.Writer); closeSummary closes the file, if any.
func summaryWriter(path string) (w io.Writer, closeSummary func(), err error) {
	f, err := openSummary(path)
	if err != nil || f == nil {
		return nil, func() {}, err
	}
	return f, func() { f.Close() }, nil
}
