package harness

import (
	"fmt"
	"io"
	"time"
)

// progress prints at most one training line every interval, and every
// evaluation, with an ETA from the mean step time so far.
type progress struct {
	w        io.Writer
	name     string
	total    int
	last     time.Time
	interval time.Duration
}

func newProgress(w io.Writer, name string, total int) *progress {
	return &progress{w: w, name: name, total: total, last: time.Now(), interval: 2 * time.Second}
}

func (p *progress) eta(step int, seconds float64) string {
	if step == 0 {
		return "?"
	}
	left := time.Duration(seconds / float64(step) * float64(p.total-step) * float64(time.Second))
	return left.Round(time.Second).String()
}

func (p *progress) step(step int, loss, seconds float64) {
	if p.w == nil || time.Since(p.last) < p.interval {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "%-20s step %6d/%d  loss %.4f  %6.1f ms/step  ETA %s\n",
		p.name, step, p.total, loss, 1000*seconds/float64(step), p.eta(step, seconds))
}

func (p *progress) eval(ev Eval, seconds float64) {
	if p.w == nil {
		return
	}
	p.last = time.Now()
	seq := ""
	if ev.SeqAccuracy > 0 {
		seq = fmt.Sprintf("  seq %.1f%%", 100*ev.SeqAccuracy)
	}
	fmt.Fprintf(p.w, "%-20s step %6d/%d  train %.4f  eval loss %.4f  acc %.1f%%%s  %6.1f ms/step  ETA %s\n",
		p.name, ev.Step, p.total, ev.TrainLoss, ev.Loss, 100*ev.Accuracy, seq, 1000*seconds/float64(ev.Step), p.eta(ev.Step, seconds))
}
