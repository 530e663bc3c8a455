package claims

import (
	"path/filepath"

	"rnnbench/harness"
	"rnnbench/paper"
	"rnnbench/views"
)

// claim is one claim measured on one experiment: its number and title,
// the paper's figure as quoted, where paper/ keeps that figure (task,
// metric), the experiment it reads, the plot it shows (a file in that
// experiment's folder) and the rule that measures and decides it.
type claim struct {
	n            int
	title, quote string
	task, metric string
	exp, plot    string
	// measure fills the measured part of f from rec, given the paper's
	// figures for (task, metric).
	measure func(f *Finding, figs []paper.Figure, rec *harness.Record)
}

// finding is c's Finding for the experiment's record rec: the fixed
// part from c, the rest from c.measure; "not yet measured" when rec is nil
// (the experiment has not run).
func (c claim) finding(rec *harness.Record) Finding {
	figs := paper.Find(c.task, c.metric)
	f := Finding{N: c.n, Title: c.title, Paper: c.quote, Source: sources(figs), Figure: filepath.Join(c.exp, c.plot)}
	if rec == nil {
		return notYet(f, c.exp)
	}
	c.measure(&f, figs, rec)
	return f
}

// decide sets f's verdict by the three-way rule every measured claim
// uses: Holds when holds, else HoldsPartly when partly, else DoesNotHold,
// each with the one sentence that says which rule decided.
func (f *Finding) decide(holds, partly bool, holdsWhy, partlyWhy, notWhy string) {
	switch {
	case holds:
		f.Verdict, f.Why = Holds, holdsWhy
	case partly:
		f.Verdict, f.Why = HoldsPartly, partlyWhy
	default:
		f.Verdict, f.Why = DoesNotHold, notWhy
	}
}

// tabulate sets f.Table to header and one row per chosen grid point of
// rec (in plan order), as row makes it, and returns the headlines row
// gives beside each.
func (f *Finding) tabulate(rec *harness.Record, header []string, row func(g views.GridPoint) (cells []string, head string)) []string {
	f.Table = [][]string{header}
	var heads []string
	for _, g := range chosen(rec) {
		cells, head := row(g)
		f.Table = append(f.Table, cells)
		heads = append(heads, head)
	}
	return heads
}
