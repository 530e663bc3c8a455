package views

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"rnnbench/harness"
	"rnnbench/models"
	"rnnbench/paper"
	"rnnbench/reports"
)

// Sweep report files written by SweepPlots, in dir.
const (
	SweepTrainPNG     = "sweep_train.png"     // training step time against T
	SweepInferencePNG = "sweep_inference.png" // time per generated token and whole-sequence forward time against T
	SweepMemoryPNG    = "sweep_memory.png"    // analytic and measured peak memory against T
)

// sweepRow is one model/mode of a sweep: its points by T.
type sweepRow struct {
	name string
	byT  map[int]harness.Point
}

// sweepRows groups the points by model name, in the sweep's model order
// (names not in the config follow, in order of appearance).
func sweepRows(rec *harness.Record) []sweepRow {
	var names []string
	if rec.Sweep != nil {
		for _, c := range rec.Sweep.Models {
			names = append(names, c.Name())
		}
	}
	for _, p := range rec.Points {
		if !slices.Contains(names, p.Name) {
			names = append(names, p.Name)
		}
	}
	rows := make([]sweepRow, len(names))
	for i, n := range names {
		rows[i] = sweepRow{name: n, byT: map[int]harness.Point{}}
	}
	for _, p := range rec.Points {
		rows[slices.Index(names, p.Name)].byT[p.T] = p
	}
	return rows
}

// sweepLengths returns the swept lengths: the config's, or else those of the points.
func sweepLengths(rec *harness.Record) []int {
	if rec.Sweep != nil && len(rec.Sweep.Lengths) > 0 {
		return rec.Sweep.Lengths
	}
	var ts []int
	for _, p := range rec.Points {
		if !slices.Contains(ts, p.T) {
			ts = append(ts, p.T)
		}
	}
	slices.Sort(ts)
	return ts
}

// series returns (T, metric) over the row's measured points, T ascending.
func (r sweepRow) series(metric func(harness.Point) float64) (x, y []float64) {
	ts := make([]int, 0, len(r.byT))
	for T := range r.byT {
		ts = append(ts, T)
	}
	slices.Sort(ts)
	for _, T := range ts {
		if p := r.byT[T]; p.Status == harness.StatusOK {
			x, y = append(x, float64(T)), append(y, metric(p))
		}
	}
	return x, y
}

// Sweep metrics, each of a measured point.
var (
	stepMs     = func(p harness.Point) float64 { return p.StepMs.Median }
	tokenMs    = func(p harness.Point) float64 { return p.TokenMs.Median }
	forwardMs  = func(p harness.Point) float64 { return p.ForwardMs.Median }
	trainBytes = func(p harness.Point) float64 { return float64(p.Memory.Total()) }
	rssBytes   = func(p harness.Point) float64 { return float64(p.PeakRSSBytes) }
)

// SweepFit holds one model/mode's fitted scaling exponents: the
// least-squares slope of log(metric) against log(T) over its measured
// points (reports.FitExponent), NaN with fewer than two.
type SweepFit struct {
	Name    string
	Points  int     // measured points
	Step    float64 // training step time
	Token   float64 // time per generated token
	Forward float64 // whole-sequence forward time
	Memory  float64 // analytic training memory
	RSS     float64 // measured peak RSS
}

// SweepFits returns the exponents of every model/mode of the sweep, in
// the sweep's model order.
func SweepFits(rec *harness.Record) []SweepFit {
	var out []SweepFit
	for _, r := range sweepRows(rec) {
		fit := func(metric func(harness.Point) float64) float64 {
			slope, _, err := reports.FitExponent(r.series(metric))
			if err != nil {
				return math.NaN()
			}
			return slope
		}
		x, _ := r.series(stepMs)
		out = append(out, SweepFit{Name: r.name, Points: len(x), Step: fit(stepMs), Token: fit(tokenMs),
			Forward: fit(forwardMs), Memory: fit(trainBytes), RSS: fit(rssBytes)})
	}
	return out
}

// SweepRatio returns metric(num at T) / metric(den at T), where num and den
// are model names ("gru", "mingru/parallel"); ok is false unless both
// points were measured at T.
func SweepRatio(rec *harness.Record, num, den string, T int, metric func(harness.Point) float64) (ratio float64, ok bool) {
	var a, b *harness.Point
	for i := range rec.Points {
		p := &rec.Points[i]
		if p.T != T || p.Status != harness.StatusOK {
			continue
		}
		switch p.Name {
		case num:
			a = p
		case den:
			b = p
		}
	}
	if a == nil || b == nil || metric(*b) == 0 {
		return 0, false
	}
	return metric(*a) / metric(*b), true
}

// paperRatio is one of the paper's cost ratios (Feng et al. 2024, arXiv
// 2410.01201: 175× at T=512 from the abstract; the T=4096 and memory
// figures as quoted by secondary sources; a T4 GPU at batch 64).
type paperRatio struct {
	label            string
	num, den         string
	metric           func(harness.Point) float64
	speedup          bool
	paper512, paper4 string
}

// paperRatios builds the ratio rows from the paper's figures
// (paper/figures.json): each speed-up pair (baseline ÷ model step time,
// at T = 512 and 4096), then each training-memory ratio (model ÷
// baseline) against the analytic memory and again against peak RSS.
func paperRatios() []paperRatio {
	var out []paperRatio
	at := func(fs []paper.Figure, model, base string, T int, format string) string {
		for _, f := range fs {
			if f.Model == model && f.Baseline == base && (f.T == 0 || f.T == T) {
				return fmt.Sprintf(format, f.Value)
			}
		}
		return "n/a"
	}
	speed := paper.Find("speed", "train-step-speedup")
	for _, f := range speed {
		if slices.ContainsFunc(out, func(r paperRatio) bool { return r.num == f.Baseline && r.den == f.Model }) {
			continue
		}
		out = append(out, paperRatio{
			label: fmt.Sprintf("training step speedup, %s ÷ %s time", title(f.Baseline), title(f.Model)),
			num:   f.Baseline, den: f.Model, metric: stepMs, speedup: true,
			paper512: at(speed, f.Model, f.Baseline, 512, "%g×"), paper4: at(speed, f.Model, f.Baseline, 4096, "%g×"),
		})
	}
	memory := paper.Find("memory", "train-memory-ratio")
	for _, m := range []struct {
		what   string
		metric func(harness.Point) float64
	}{{"analytic training memory", trainBytes}, {"peak RSS", rssBytes}} {
		for _, f := range memory {
			out = append(out, paperRatio{
				label: fmt.Sprintf("%s, %s ÷ %s", m.what, title(f.Model), title(f.Baseline)),
				num:   f.Model, den: f.Baseline, metric: m.metric,
				paper512: at(memory, f.Model, f.Baseline, 512, "~%g"), paper4: at(memory, f.Model, f.Baseline, 4096, "~%g"),
			})
		}
	}
	return out
}

// title is a model name in prose: "mingru/parallel" → "minGRU-parallel".
func title(name string) string {
	mixer, mode, _ := strings.Cut(name, "/")
	if s, ok := models.SpecOf(mixer); ok {
		mixer = s.Title
	}
	if mode != "" {
		return mixer + "-" + mode
	}
	return mixer
}

// SweepSummary writes the two summary tables of a sweep: the fitted
// exponents per model/mode, and the paper's ratios reproduced on this
// machine at T = 512 and T = 4096 (and at the longest swept T when it is
// neither), "n/a" where a length was not swept or a point not measured.
func SweepSummary(w io.Writer, rec *harness.Record) error {
	fmt.Fprintf(w, "## Scaling exponents\n\nLeast-squares slope of log(cost) against log(T) over each model's measured lengths: about 1 is linear, 2 quadratic. At small T fixed costs (parameters, the head, per-step overheads) flatten the slopes.\n\n")
	header := []string{"model", "points", "step time", "time/token", "forward", "analytic memory", "peak RSS"}
	var rows [][]string
	for _, f := range SweepFits(rec) {
		rows = append(rows, []string{f.Name, fmt.Sprint(f.Points), fexp(f.Step), fexp(f.Token), fexp(f.Forward), fexp(f.Memory), fexp(f.RSS)})
	}
	if err := reports.Markdown(w, header, rows); err != nil {
		return err
	}
	ts := []int{512, 4096}
	if ls := sweepLengths(rec); len(ls) > 0 && !slices.Contains(ts, ls[len(ls)-1]) {
		ts = append(ts, ls[len(ls)-1])
	}
	slices.Sort(ts) // ascending, each "here" column next to its "paper" one
	fmt.Fprintf(w, "\n## The paper's ratios on this machine\n\nFeng et al. 2024 (arXiv 2410.01201): 175× at T=512 from the abstract; the T=4096 and memory figures as quoted by secondary sources; a T4 GPU at batch 64 against a non-cuDNN GRU/LSTM. Here: this CPU at batch %d; memory ratios are at the same T.\n\n", sweepBatch(rec))
	header = []string{"comparison"}
	for _, T := range ts {
		header = append(header, fmt.Sprintf("T=%d here", T))
		switch T {
		case 512, 4096:
			header = append(header, fmt.Sprintf("T=%d paper", T))
		}
	}
	rows = nil
	for _, pr := range paperRatios() {
		row := []string{pr.label}
		for _, T := range ts {
			cell := "n/a"
			if r, ok := SweepRatio(rec, pr.num, pr.den, T, pr.metric); ok {
				cell = fmt.Sprintf("%.2f", r)
				if pr.speedup {
					cell += "×"
				}
			}
			row = append(row, cell)
			switch T {
			case 512:
				row = append(row, pr.paper512)
			case 4096:
				row = append(row, pr.paper4)
			}
		}
		rows = append(rows, row)
	}
	return reports.Markdown(w, header, rows)
}

func sweepBatch(rec *harness.Record) int {
	if rec.Sweep != nil {
		return rec.Sweep.Batch
	}
	return rec.Train.Batch
}

// sweepTable is one per-metric table: rows model/mode, columns T.
type sweepTable struct {
	title string
	cell  func(harness.Point) string
}

var sweepTables = []sweepTable{
	{"Training step time, median (ms)", func(p harness.Point) string { return sig3(p.StepMs.Median) }},
	{"Training step time, min–max (ms)", func(p harness.Point) string { return sig3(p.StepMs.Min) + "–" + sig3(p.StepMs.Max) }},
	{"Training throughput (tokens/s)", func(p harness.Point) string { return f0(p.TokensPerSec) }},
	{"Analytic FLOPs per training step (GFLOP)", func(p harness.Point) string { return sig3(float64(p.FLOPsPerStep) / 1e9) }},
	{"Achieved GFLOP/s (analytic FLOPs ÷ median step time)", func(p harness.Point) string { return sig3(p.GFLOPs) }},
	{"Inference: time per generated token at context T (ms)", func(p harness.Point) string { return sig3(p.TokenMs.Median) }},
	{"Inference: whole-sequence forward, no backward (ms)", func(p harness.Point) string { return sig3(p.ForwardMs.Median) }},
	{"Memory: analytic training total (MiB)", func(p harness.Point) string { return mib(p.Memory.Total()) }},
	{"Memory: activations kept for backward (MiB)", func(p harness.Point) string { return mib(p.Memory.Activations) }},
	{"Memory: inference state of one sequence at context T (KiB)", func(p harness.Point) string { return sig3(float64(p.StateBytes) / 1024) }},
	{"Memory: measured peak RSS of the point's process (MiB)", func(p harness.Point) string { return mib(p.PeakRSSBytes) }},
}

// SweepMarkdown writes results.md of a sweep: the machine line, the
// settings, the summary (SweepSummary), one table per metric (rows
// model/mode, columns T; "skip" and "fail" mark points not measured, "—"
// points absent from this record, e.g. another shard's) and the reasons
// for skipped and failed points.
func SweepMarkdown(w io.Writer, rec *harness.Record) error {
	fmt.Fprintf(w, "# rnnbench sequence-length sweep\n\n%s\n\n", MachineLine(rec.Machine))
	if s := rec.Sweep; s != nil {
		var arch string
		if len(s.Models) > 0 {
			c := s.Models[0]
			arch = fmt.Sprintf("L=%d, D=%d, E=%d, H=%d, N=%d, MLP=%d, V=%d", c.L, c.D, c.E(), c.H, c.N, c.MLP, c.V)
		}
		shard := "all points"
		if s.Shards > 1 {
			shard = fmt.Sprintf("shard %d of %d (points with index ≡ %d mod %d)", s.Shard, s.Shards, s.Shard, s.Shards)
		}
		fmt.Fprintf(w, "Started %s. %s, batch %d, lengths %v; per point %d untimed + %d timed training steps (AdamW lr %g, seed %d), %d timed forwards, the last min(T, %d) of T generated tokens timed; each point in a fresh process; max memory %s, point timeout %gs; %s.\n\n",
			rec.Started.Format("2006-01-02 15:04 UTC"), arch, s.Batch, s.Lengths, s.WarmupSteps, s.Repeats, rec.Train.LR, rec.Train.Seed,
			s.Repeats, harness.InferTimedTokens, HumanBytes(s.MaxMemBytes), s.PointTimeoutS, shard)
	}
	var ok, skipped, failed int
	for _, p := range rec.Points {
		switch p.Status {
		case harness.StatusOK:
			ok++
		case harness.StatusSkipped:
			skipped++
		default:
			failed++
		}
	}
	total := len(rec.Points)
	if rec.Sweep != nil {
		total = rec.Sweep.NumPoints()
	}
	fmt.Fprintf(w, "Points: %d of %d in this record: %d measured, %d skipped, %d failed.\n\n", len(rec.Points), total, ok, skipped, failed)
	if err := SweepSummary(w, rec); err != nil {
		return err
	}
	rows, lengths := sweepRows(rec), sweepLengths(rec)
	header := []string{"model"}
	for _, T := range lengths {
		header = append(header, fmt.Sprint(T))
	}
	for _, tb := range sweepTables {
		fmt.Fprintf(w, "\n## %s\n\n", tb.title)
		var cells [][]string
		for _, r := range rows {
			row := []string{r.name}
			for _, T := range lengths {
				p, have := r.byT[T]
				switch {
				case !have:
					row = append(row, "—")
				case p.Status == harness.StatusSkipped:
					row = append(row, "skip")
				case p.Status != harness.StatusOK:
					row = append(row, "fail")
				default:
					row = append(row, tb.cell(p))
				}
			}
			cells = append(cells, row)
		}
		if err := reports.Markdown(w, header, cells); err != nil {
			return err
		}
	}
	var notes []string
	for _, p := range rec.Points {
		if p.Status != harness.StatusOK {
			notes = append(notes, fmt.Sprintf("- %s T=%d: %s — %s", p.Name, p.T, p.Status, p.Reason))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintf(w, "\n## Skipped and failed points\n\n%s\n", strings.Join(notes, "\n"))
	}
	fmt.Fprint(w, sweepLegend)
	return nil
}

const sweepLegend = `
## What the columns mean

- Training step: one AdamW step on a fixed random batch [B, T]: forward, cross-entropy, backward, gradient clipping, update (the step of bench run). Median, min and max over the timed steps after the warm-up.
- FLOPs are analytic, counted from the shapes (models.Model.FLOPs): a training step is taken as 3× the forward (backward ≈ 2× forward). The Transformer's attention is counted causally (half the T×T products); norms, softmax and elementwise work beyond the recurrences are not counted.
- Time per generated token: one sequence (B = 1) fed token by token through the step API (recurrent state, or KV cache for the Transformer); the median of the last min(T, 16) tokens of T, i.e. at a context of about T.
- Whole-sequence forward: the training forward over [B, T] without backward.
- Analytic memory: parameters + gradients + AdamW moments + activations kept for backward + scratch, counted exactly from the buffers allocated. Inference state: recurrent state or KV cache of one sequence after T tokens.
- Peak RSS: the resident-set high-water mark (VmHWM from /proc/self/status, which the child reports itself; getrusage maxrss where /proc is unavailable) of the fresh child process that measured this one point; it includes the Go runtime, the binary and garbage not yet collected.
`

// SweepPlots draws the sweep's figures into dir (log-log, one line per
// model/mode in its ModelColor, x ticks at the swept lengths): SweepTrainPNG,
// SweepInferencePNG and SweepMemoryPNG, each also as SVG and PDF
// (SaveFigure). The time plots carry dashed O(T) and O(T²) guides to read
// an exponent against. A panel with no measured points is left out, and a
// figure with no panels is not written. It returns the paths written, or
// the first error from SaveFigure.
func SweepPlots(dir string, rec *harness.Record) ([]string, error) {
	var written []string
	for _, f := range SweepFigures(rec) {
		paths, err := reports.SaveFigure(filepath.Join(dir, f.File), f.Figure)
		written = append(written, paths...)
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// NamedFigure is a figure and the PNG file name it is saved under.
type NamedFigure struct {
	File string
	reports.Figure
}

// SweepFigures returns the figures SweepPlots saves, leaving out panels
// without measured points and figures without panels.
func SweepFigures(rec *harness.Record) []NamedFigure {
	rows := sweepRows(rec)
	var ticks []float64
	for _, T := range sweepLengths(rec) {
		ticks = append(ticks, float64(T))
	}
	panel := func(title, ylabel string, metric func(harness.Point) float64, scale float64, guides ...float64) reports.Panel {
		pn := reports.Panel{Title: title, XLabel: "sequence length T", YLabel: ylabel, LogX: true, LogY: true, XTicks: ticks, Guides: guides}
		for _, r := range rows {
			xs, ys := r.series(metric)
			var x, y []float64
			for i := range ys {
				if ys[i] > 0 {
					x, y = append(x, xs[i]), append(y, ys[i]/scale)
				}
			}
			if len(x) > 0 {
				pn.Series = append(pn.Series, reports.Series{Name: r.name, Key: r.name, X: x, Y: y})
			}
		}
		return pn
	}
	files := []struct {
		name, title string
		panels      []reports.Panel
	}{
		{SweepTrainPNG, "Training step time against sequence length", []reports.Panel{
			panel("training step time", "ms per step (median)", stepMs, 1, 1, 2)}},
		{SweepInferencePNG, "Inference cost against sequence length", []reports.Panel{
			panel("time per generated token at context T", "ms per token (B = 1)", tokenMs, 1, 1, 2),
			panel("whole-sequence forward", "ms per forward [B, T]", forwardMs, 1, 1, 2)}},
		{SweepMemoryPNG, "Memory against sequence length", []reports.Panel{
			panel("analytic training memory", "MiB", trainBytes, 1<<20),
			panel("measured peak RSS (child process)", "MiB", rssBytes, 1<<20)}},
	}
	caption := SweepCaption(rec)
	var out []NamedFigure
	for _, f := range files {
		var keep []reports.Panel
		for _, pn := range f.panels {
			if len(pn.Series) > 0 {
				keep = append(keep, pn)
			}
		}
		if len(keep) > 0 {
			out = append(out, NamedFigure{f.name, reports.Figure{Title: f.title, Caption: caption, Cols: 2, Panels: keep}})
		}
	}
	return out
}

// SweepCaption is the caption of a sweep's figures: sizes, batch, lengths,
// steps per point, seed and the machine.
func SweepCaption(rec *harness.Record) string {
	s := rec.Sweep
	if s == nil {
		return Caption(rec.Machine, "sequence-length sweep")
	}
	arch := ""
	if len(s.Models) > 0 {
		c := s.Models[0]
		arch = fmt.Sprintf("models L=%d, D=%d, E=%d, V=%d", c.L, c.D, c.E(), c.V)
	}
	return Caption(rec.Machine, fmt.Sprintf("sequence-length sweep of random tokens, batch %d, T = %s", s.Batch, joinInts(s.Lengths)), arch,
		fmt.Sprintf("per point %d untimed + %d timed training steps (median), seed %d, each point in a fresh process", s.WarmupSteps, s.Repeats, rec.Train.Seed))
}

// sig3 formats v with about three significant digits, without exponents
// for values from 0.001 up.
func sig3(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	case a >= 0.001 || a == 0:
		return fmt.Sprintf("%.3g", v)
	}
	return fmt.Sprintf("%.2e", v)
}

// mib formats bytes as MiB with about three significant digits.
func mib(b int64) string { return sig3(float64(b) / (1 << 20)) }

// HumanBytes formats a byte count with a binary unit: "512 B", "1.5 KiB",
// "11.6 GiB".
func HumanBytes(b int64) string {
	v, units := float64(b), []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	i := 0
	for math.Abs(v) >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", b)
	}
	return sig3(v) + " " + units[i]
}

// fexp formats an exponent, "n/a" for NaN.
func fexp(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", v)
}

// joinInts is "64, 128, 256".
func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}
