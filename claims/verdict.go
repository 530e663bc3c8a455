package claims

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"rnnbench/harness"
	"rnnbench/paper"
	"rnnbench/views"
)

// Verdict is the outcome of one claim, decided by the rules below (and in
// README "Verdict rules"), never at report time.
type Verdict string

const (
	Holds         Verdict = "holds"
	HoldsPartly   Verdict = "holds partly"
	DoesNotHold   Verdict = "does not hold at this scale"
	NotMeasurable Verdict = "not measurable here"
	NotYet        Verdict = "not yet measured"
)

// The margins of the rules.
const (
	// MatchStds: a measured mean "matches" a reference when it lies within
	// MatchStds combined standard deviations, sqrt(std_ref² + std_meas²)
	// (a reference without a published std counts 0), or within the stated
	// absolute margin of the metric (CopyMarginPts, LossMarginNats).
	MatchStds      = 2.0
	CopyMarginPts  = 1.0  // selective copying: accuracy points
	LossMarginNats = 0.02 // char-lm: nats per character
	// MemoryMargin: a memory ratio matches the paper's within ±25% of it
	// (analytic memory has no spread over seeds).
	MemoryMargin = 0.25
	// SolvedAcc: selective copying counts as solved with enough layers
	// when the deepest model's mean accuracy reaches it.
	SolvedAcc = 0.90
	// SeparateScaled: a task separates the models when the best and worst
	// model's mean scaled accuracy differ by more than this and by more
	// than MatchStds combined standard deviations.
	SeparateScaled = 0.2
)

// Finding is one claim's section of the report.
type Finding struct {
	N        int
	Title    string
	Paper    string // the published figure
	Source   string // where it is published
	Measured string // the headline measured figure
	Verdict  Verdict
	Why      string     // one sentence: which rule decided
	Table    [][]string // the figures behind it; Table[0] is the header
	Figure   string     // a plot, relative to the claims folder ("" for none)
}

// matches reports whether measured mean m (std sm) matches reference r
// (std sr) under the rule above with absolute margin abs.
func matches(m, sm, r, sr, abs float64) bool {
	return math.Abs(m-r) <= max(MatchStds*math.Hypot(sm, sr), abs)
}

// Evaluate reads the experiments of preset p from dir and decides every
// claim. An experiment that has not run (no results.json) makes its
// claims "not yet measured".
func Evaluate(dir string, p Preset) []Finding {
	recs := map[string]*harness.Record{}
	for _, e := range p.Experiments {
		if rec, err := harness.ReadRecord(filepath.Join(dir, e.Name)); err == nil {
			recs[e.Name] = rec
		}
	}
	sweep := recs[ExpSweep]
	return []Finding{
		speedClaim(sweep),
		memoryClaim(sweep),
		copyClaim(recs[ExpCopy]),
		charClaim(recs[ExpCharLM]),
		separationClaim(recs[ExpParity], recs[ExpMQAR]),
		cudnnClaim(sweep),
	}
}

// notYet fills f for an experiment that has not run.
func notYet(f Finding, exp string) Finding {
	f.Verdict, f.Measured = NotYet, "—"
	f.Why = fmt.Sprintf("the %s experiment has no results in this folder yet: run bench claims (with --resume to continue) or merge its shards", exp)
	return f
}

// partial notes an experiment whose record lacks some planned units.
func partial(rec *harness.Record) string {
	if rec.Sweep == nil && len(rec.Units) > len(rec.Results) {
		return fmt.Sprintf(" Only %d of %d units have finished: the figures are partial.", len(rec.Results), len(rec.Units))
	}
	return ""
}

// sweepAt returns the OK points of rec by model name at the largest T
// every named model reached.
func sweepAt(rec *harness.Record, names ...string) (int, map[string]harness.Point) {
	byT := map[int]map[string]harness.Point{}
	for _, pt := range rec.Points {
		if pt.Status != harness.StatusOK {
			continue
		}
		if byT[pt.T] == nil {
			byT[pt.T] = map[string]harness.Point{}
		}
		byT[pt.T][pt.Name] = pt
	}
	best := 0
	for T, pts := range byT {
		all := true
		for _, n := range names {
			_, ok := pts[n]
			all = all && ok
		}
		if all && T > best {
			best = T
		}
	}
	return best, byT[best]
}

// pair is a ratio of two models' figures, against the paper's.
type pair struct{ model, baseline string }

var speedPairs = []pair{{"mingru/parallel", "gru"}, {"minlstm/parallel", "lstm"}}

// speedClaim is claim 1. Rule: at the largest T both models of each pair
// reached, speed-up = baseline median step time ÷ model median step time.
// Holds: every speed-up ≥ the paper's smallest (175×); holds partly: every
// one > 1; else does not hold at this scale.
func speedClaim(rec *harness.Record) Finding {
	return claim{1, "minGRU/minLSTM train 175×–1324× faster per step than GRU/LSTM",
		"175×–1361× (T 512–4096)", "speed", "train-step-speedup", ExpSweep, "sweep_train.png", measureSpeed}.finding(rec)
}

func measureSpeed(f *Finding, figs []paper.Figure, rec *harness.Record) {
	T, pts := sweepAt(rec, "mingru/parallel", "gru", "minlstm/parallel", "lstm")
	if T == 0 {
		f.Verdict, f.Measured, f.Why = NotYet, "—", "the sweep reached no length with all four models"
		return
	}
	lowest := math.Inf(1)
	for _, fg := range figs {
		lowest = min(lowest, fg.Value)
	}
	f.Table = [][]string{{"model", "baseline", "T", "model step ms", "baseline step ms", "speed-up", "paper"}}
	var ups []string
	all, any1 := true, true
	for _, pr := range speedPairs {
		m, b := pts[pr.model], pts[pr.baseline]
		up := b.StepMs.Median / m.StepMs.Median
		all = all && up >= lowest
		any1 = any1 && up > 1
		f.Table = append(f.Table, []string{pr.model, pr.baseline, fmt.Sprint(T), fmt.Sprintf("%.3g", m.StepMs.Median), fmt.Sprintf("%.3g", b.StepMs.Median), fmt.Sprintf("%.1f×", up), paperAt(figs, pr.model)})
		ups = append(ups, fmt.Sprintf("%.1f×", up))
	}
	f.Measured = fmt.Sprintf("%s at T=%d (CPU, %s)", strings.Join(ups, ", "), T, rec.Machine.CPU)
	f.decide(all, any1,
		fmt.Sprintf("every measured speed-up reaches the paper's smallest, %.0f×.", lowest),
		fmt.Sprintf("the parallel scans are faster per step than GRU/LSTM, but below the paper's %.0f× at these lengths on this CPU (the paper's figures are on a T4 GPU, where a sequential loop idles the device).", lowest),
		"a parallel scan is not faster per step than its sequential baseline at these lengths on this CPU.")
}

var memoryPairs = []pair{{"mingru/parallel", "gru"}, {"minlstm/parallel", "lstm"}, {"mamba", "mingru/parallel"}}

// memoryClaim is claim 2. Rule: analytic training memory ratios at the
// sweep's largest common T. Holds: every ratio within ±MemoryMargin of
// the paper's; holds partly: every ratio > 1 (more memory, as claimed);
// else does not hold at this scale.
func memoryClaim(rec *harness.Record) Finding {
	return claim{2, "minGRU/minLSTM use ~88% more training memory than GRU/LSTM; Mamba ~56% more than minGRU",
		"1.88×, 1.88×, 1.56×", "memory", "train-memory-ratio", ExpSweep, "sweep_memory.png", measureMemory}.finding(rec)
}

func measureMemory(f *Finding, figs []paper.Figure, rec *harness.Record) {
	T, pts := sweepAt(rec, "mingru/parallel", "gru", "minlstm/parallel", "lstm", "mamba")
	if T == 0 {
		f.Verdict, f.Measured, f.Why = NotYet, "—", "the sweep reached no length with all five models"
		return
	}
	f.Table = [][]string{{"model", "baseline", "T", "model memory", "baseline memory", "ratio", "paper"}}
	var rs []string
	all, more := true, true
	for _, pr := range memoryPairs {
		m, b := pts[pr.model], pts[pr.baseline]
		r := float64(m.Memory.Total()) / float64(b.Memory.Total())
		want := paperValue(figs, pr.model)
		all = all && math.Abs(r-want) <= MemoryMargin*want
		more = more && r > 1
		f.Table = append(f.Table, []string{pr.model, pr.baseline, fmt.Sprint(T), views.HumanBytes(m.Memory.Total()), views.HumanBytes(b.Memory.Total()), fmt.Sprintf("%.2f×", r), fmt.Sprintf("%.2f×", want)})
		rs = append(rs, fmt.Sprintf("%.2f×", r))
	}
	f.Measured = fmt.Sprintf("%s (analytic, T=%d, B=%d)", strings.Join(rs, ", "), T, pts["gru"].B)
	f.decide(all, more,
		fmt.Sprintf("every ratio lies within ±%.0f%% of the paper's.", 100*MemoryMargin),
		fmt.Sprintf("each model needs more memory than its baseline, as claimed, but not every ratio lies within ±%.0f%% of the paper's.", 100*MemoryMargin),
		"some model needs no more memory than its baseline.")
}

// modelOf is the model of a table row ("mingru/parallel L=2" → "mingru").
func modelOf(group string) string {
	m, _, _ := strings.Cut(group, " ")
	m, _, _ = strings.Cut(m, "/")
	return m
}

// chosen returns each row's chosen grid point (views.GridPoints), in
// plan order.
func chosen(rec *harness.Record) []views.GridPoint {
	var out []views.GridPoint
	for _, g := range views.GridPoints(rec) {
		if g.Chosen {
			out = append(out, g)
		}
	}
	return out
}

// copyClaim is claim 3. Rule: each (model, layers) row's final held-out
// accuracy at its chosen grid point, mean ± std over seeds, matches the
// paper's if within MatchStds combined stds or CopyMarginPts. Holds: every
// row matches; holds partly: not every row matches, but every model's
// deepest row reaches SolvedAcc (solved with enough layers); else does not
// hold at this scale.
func copyClaim(rec *harness.Record) Finding {
	return claim{3, "minGRU/minLSTM solve selective copying with enough layers",
		"1 layer ~37%, 2 layers 86–97%, 3 layers 96–99.5%", "selective-copy", "accuracy", ExpCopy, "loss.png", measureCopy}.finding(rec)
}

func measureCopy(f *Finding, figs []paper.Figure, rec *harness.Record) {
	all := true
	deepest := map[string]views.GridPoint{}
	heads := f.tabulate(rec, []string{"model", "layers", "lr", "accuracy % (mean ± std)", "paper %", "matches"}, func(g views.GridPoint) ([]string, string) {
		model, L := modelOf(g.Model), g.Runs[0].Model.L
		if d, ok := deepest[model]; !ok || d.Runs[0].Model.L < L {
			deepest[model] = g
		}
		ref, ok := findLayers(figs, model, L)
		m, s := 100*g.Acc.Mean, 100*g.Acc.Std
		cell, match := "—", "no reference"
		if ok {
			cell = pm(ref.Value, ref.Std, 1)
			ok := matches(m, s, ref.Value, ref.Std, CopyMarginPts)
			all = all && ok
			match = yes(ok)
		}
		return []string{model, fmt.Sprint(L), fmt.Sprintf("%g", g.LR), pm(m, s, 1), cell, match}, fmt.Sprintf("%s L=%d %s", model, L, pm(m, s, 1))
	})
	f.Measured = strings.Join(heads, "; ")
	solved := len(deepest) > 0
	for _, g := range deepest {
		solved = solved && g.Acc.Mean >= SolvedAcc
	}
	f.decide(all && len(heads) > 0, solved,
		"every row matches the paper's within 2 combined std (or 1 point).",
		fmt.Sprintf("the deepest models reach %.0f%% (solved with enough layers), but not every row matches the paper's figure at this task size.", 100*SolvedAcc),
		fmt.Sprintf("not every row matches the paper's and the deepest models stay below %.0f%%.", 100*SolvedAcc))
	f.Why += partial(rec)
}

// charClaim is claim 4. Rule: each model's best held-out loss at its
// chosen grid point, mean ± std over seeds; a minimal RNN "matches" a
// reference model when its mean is lower, or within MatchStds combined
// stds or LossMarginNats. Holds: minGRU and minLSTM match both the
// Transformer and Mamba; holds partly: they match at least one; else does
// not hold at this scale.
func charClaim(rec *harness.Record) Finding {
	return claim{4, "minGRU/minLSTM match a Transformer and Mamba on character-level Shakespeare",
		"minGRU 1.548, minLSTM 1.555, Transformer 1.547, Mamba 1.575 nats", "char-lm", "test-loss", ExpCharLM, "loss.png", measureChar}.finding(rec)
}

func measureChar(f *Finding, figs []paper.Figure, rec *harness.Record) {
	loss := map[string]views.Summary{}
	heads := f.tabulate(rec, []string{"model", "lr", "best held-out loss, nats/char (mean ± std)", "paper (test)"}, func(g views.GridPoint) ([]string, string) {
		model := modelOf(g.Model)
		loss[model] = g.Best
		ref := "—"
		if v := paperValue(figs, model); !math.IsNaN(v) {
			ref = fmt.Sprintf("%.3f", v)
		}
		return []string{model, fmt.Sprintf("%g", g.LR), pm(g.Best.Mean, g.Best.Std, 3), ref}, fmt.Sprintf("%s %s", model, pm(g.Best.Mean, g.Best.Std, 3))
	})
	f.Measured = strings.Join(heads, ", ") + " (validation split)"
	for _, need := range []string{"mingru", "minlstm", "transformer", "mamba"} {
		if _, ok := loss[need]; !ok {
			f.Verdict, f.Why = NotYet, fmt.Sprintf("%s has no finished unit yet, so the comparison cannot be made.%s", need, partial(rec))
			return
		}
	}
	both, one := true, true // all four models are in loss (checked above)
	for _, rnn := range []string{"mingru", "minlstm"} {
		a, n := loss[rnn], 0
		for _, ref := range []string{"transformer", "mamba"} {
			if b := loss[ref]; a.Mean <= b.Mean || matches(a.Mean, a.Std, b.Mean, b.Std, LossMarginNats) {
				n++
			}
		}
		both, one = both && n == 2, one && n >= 1
	}
	f.decide(both, one,
		"minGRU and minLSTM match or beat both the Transformer and Mamba (within 2 combined std or 0.02 nats).",
		"minGRU and minLSTM match or beat one of the Transformer and Mamba, not both.",
		"a minimal RNN falls behind both the Transformer and Mamba by more than 2 combined std and 0.02 nats.")
	f.Why += partial(rec)
}

// separationClaim is claim 5. Rule: per model, the mean over seeds of the
// scaled accuracy (0 = chance, 1 = perfect) at its chosen grid point — for
// parity on the held-out set at the training lengths (state tracking, not
// length extrapolation), for MQAR on its held-out set. A task separates
// the models when best − worst > SeparateScaled and > MatchStds combined
// stds. Holds: both tasks separate them; holds partly: one; else does not
// hold at this scale.
func separationClaim(parity, mqar *harness.Record) Finding {
	f := Finding{N: 5, Title: "critics: the paper's tasks favour gating; state tracking (parity) and recall (MQAR) separate the models",
		Paper:  "parity: unsolvable for a transition in (0, 1) (minGRU, minLSTM, S6), solvable by LSTM; MQAR: attention solves it, fixed state degrades",
		Source: "Sarrof et al. 2024; Grazzi et al. 2024; Arora et al. 2023 (zoology)", Figure: filepath.Join(ExpParity, "lengths.png")}
	if parity == nil && mqar == nil {
		return notYet(f, ExpParity+" and "+ExpMQAR)
	}
	f.Table = [][]string{{"task", "model", "lr", "scaled accuracy (mean ± std)", "accuracy %"}}
	separated, tasksRun := 0, 0
	var heads []string
	for _, tk := range []struct {
		name string
		rec  *harness.Record
	}{{ExpParity, parity}, {ExpMQAR, mqar}} {
		if tk.rec == nil {
			continue
		}
		tasksRun++
		var hi, lo views.Summary
		var hiName, loName string
		for k, g := range chosen(tk.rec) {
			var sc, acc []float64
			for _, r := range g.Runs {
				if len(r.Lengths) > 0 {
					sc, acc = append(sc, r.Lengths[0].Scaled), append(acc, r.Lengths[0].Accuracy)
				}
			}
			s, a := views.Summarize(sc), views.Summarize(acc)
			if k == 0 || s.Mean > hi.Mean {
				hi, hiName = s, g.Model
			}
			if k == 0 || s.Mean < lo.Mean {
				lo, loName = s, g.Model
			}
			f.Table = append(f.Table, []string{tk.name, g.Model, fmt.Sprintf("%g", g.LR), pm(s.Mean, s.Std, 2), pm(100*a.Mean, 100*a.Std, 1)})
		}
		gap := hi.Mean - lo.Mean
		sep := gap > SeparateScaled && gap > MatchStds*math.Hypot(hi.Std, lo.Std)
		if sep {
			separated++
		}
		heads = append(heads, fmt.Sprintf("%s: best %s %.2f, worst %s %.2f (scaled)", tk.name, hiName, hi.Mean, loName, lo.Mean))
	}
	f.Measured = strings.Join(heads, "; ")
	f.decide(separated == 2, separated == 1,
		fmt.Sprintf("on both tasks the best and worst models' scaled accuracy differ by more than %.1f and 2 combined std.", SeparateScaled),
		fmt.Sprintf("one task separates the models (scaled accuracy gap > %.1f and 2 combined std), the other does not.", SeparateScaled),
		fmt.Sprintf("no task separates the models by more than %.1f scaled accuracy and 2 combined std.", SeparateScaled))
	if tasksRun < 2 {
		f.Why += " Only one of the two tasks has results yet."
	}
	for _, rec := range []*harness.Record{parity, mqar} {
		if rec != nil {
			f.Why += strings.Replace(partial(rec), "Only", rec.Task+": only", 1)
		}
	}
	return f
}

// cudnnClaim is claim 6: the paper's baseline is a non-cuDNN GRU on a GPU.
// rnnbench measures its own CPU kernels only, so the verdict is always
// "not measurable here"; the CPU step times are shown for context.
func cudnnClaim(rec *harness.Record) Finding {
	f := Finding{N: 6, Title: "critics: the speed claims compare against a non-cuDNN GRU",
		Paper: "175×–1324× against a GRU/LSTM written as a Python loop, not cuDNN's fused kernels", Source: "the paper's speed setup (T4 GPU); critics' reading",
		Verdict: NotMeasurable,
		Why:     "a cuDNN comparison needs a GPU and a vendor RNN kernel; rnnbench times its own CPU kernels, where GRU/LSTM are a compiled sequential loop, the closest CPU analogue of a fused kernel."}
	f.Measured = "—"
	if rec != nil {
		if T, pts := sweepAt(rec, "mingru/parallel", "gru"); T > 0 {
			f.Measured = fmt.Sprintf("CPU context: compiled GRU %.3g ms/step vs minGRU %.3g ms/step at T=%d", pts["gru"].StepMs.Median, pts["mingru/parallel"].StepMs.Median, T)
		}
	}
	return f
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// pm writes "99.5 ± 0.2" (or the mean alone when std is 0 or NaN).
func pm(mean, std float64, decimals int) string {
	if std == 0 || math.IsNaN(std) {
		return fmt.Sprintf("%.*f", decimals, mean)
	}
	return fmt.Sprintf("%.*f ± %.*f", decimals, mean, decimals, std)
}

func findLayers(figs []paper.Figure, model string, L int) (paper.Figure, bool) {
	for _, f := range figs {
		if f.Model == model && f.Layers == L {
			return f, true
		}
	}
	return paper.Figure{}, false
}

// paperValue is the first figure of model (NaN if none).
func paperValue(figs []paper.Figure, model string) float64 {
	for _, f := range figs {
		if f.Model == model {
			return f.Value
		}
	}
	return math.NaN()
}

// paperAt lists a model's figures with their lengths: "175× (T=512), 1324× (T=4096)".
func paperAt(figs []paper.Figure, model string) string {
	var out []string
	for _, f := range figs {
		if f.Model == model {
			out = append(out, fmt.Sprintf("%g× (T=%d)", f.Value, f.T))
		}
	}
	return strings.Join(out, ", ")
}

// sources lists the distinct sources of figs.
func sources(figs []paper.Figure) string {
	seen := map[string]bool{}
	var out []string
	for _, f := range figs {
		if !seen[f.Source] {
			seen[f.Source] = true
			out = append(out, f.Source)
		}
	}
	return paper.All().Paper + ": " + strings.Join(out, "; ")
}
