package views

import (
	"fmt"
	"io"
	"rnnbench/reports"
	"slices"

	"rnnbench/harness"
)

// Views of a sweep measured with a peer (`bench run --task sweep --peer
// torch`, harness/peer.go): each rnnbench point beside the same point in
// the peer, and the ratio peer ÷ rnnbench of their median step times (how
// many times faster rnnbench is; > 1 means rnnbench is faster).

// PeerPNG is the figure of a sweep with a peer.
const PeerPNG = "sweep_peer.png"

// HasPeer reports whether any point of rec was measured by a peer.
func HasPeer(rec *harness.Record) bool {
	return slices.ContainsFunc(rec.Points, func(p harness.Point) bool { return p.Peer != nil })
}

// PeerSpeedup returns peer ÷ rnnbench median step time of pt, and false
// when either side was not measured.
func PeerSpeedup(pt harness.Point) (float64, bool) {
	q := pt.Peer
	if pt.Status != harness.StatusOK || q == nil || q.Status != harness.StatusOK || !(pt.StepMs.Median > 0) {
		return 0, false
	}
	return q.StepMs.Median / pt.StepMs.Median, true
}

// PeerLine is the progress line of pt's peer measurement.
func PeerLine(pt harness.Point) string {
	q := pt.Peer
	if q == nil {
		return ""
	}
	if q.Status != harness.StatusOK {
		return fmt.Sprintf("%s %s T=%d: %s (%s)", q.Engine, q.Name, q.T, q.Status, q.Reason)
	}
	r, _ := PeerSpeedup(pt)
	return fmt.Sprintf("%s %s T=%d: %.2f ms/step (%s); rnnbench %.2f ms/step: %.1f× faster", q.Engine, q.Name, q.T, q.StepMs.Median, q.PeerInfo, pt.StepMs.Median, r)
}

// PeerMarkdown writes the side-by-side table of rec's points that have a
// peer measurement: model, T, both median step times (min–max), both
// parameter counts and the ratio. It writes nothing when no point has one.
func PeerMarkdown(w io.Writer, rec *harness.Record) error {
	if !HasPeer(rec) {
		return nil
	}
	engine, info := "", ""
	var rows [][]string
	for _, pt := range rec.Points {
		q := pt.Peer
		if q == nil {
			continue
		}
		engine = q.Engine
		if q.PeerInfo != "" {
			info = q.PeerInfo
		}
		ms := func(p *harness.Point) string {
			if p.Status != harness.StatusOK {
				return p.Status + ": " + p.Reason
			}
			return fmt.Sprintf("%.2f (%.2f–%.2f)", p.StepMs.Median, p.StepMs.Min, p.StepMs.Max)
		}
		ratio := "—"
		if r, ok := PeerSpeedup(pt); ok {
			ratio = fmt.Sprintf("%.2f×", r)
		}
		rows = append(rows, []string{pt.Name, fmt.Sprint(pt.T), ms(&pt), ms(q), fmt.Sprint(pt.Params), fmt.Sprint(q.Params), ratio})
	}
	fmt.Fprintf(w, "\n## Side by side with the peer (%s)\n\n", engine)
	fmt.Fprintf(w, "Each point measured by rnnbench, then at once by the peer (%s), the same model, B, T, warm-up and timed steps; "+
		"step time in ms, median (min–max); speed-up = peer ÷ rnnbench median (> 1: rnnbench is faster).\n\n", info)
	return reports.Markdown(w, []string{"model", "T", "rnnbench ms/step", engine + " ms/step", "params", engine + " params", "speed-up"}, rows)
}

// PeerFigure returns the figure of rec's peer points (step time of both
// engines against T, and the speed-up), and false when no point has one.
func PeerFigure(rec *harness.Record) (reports.Figure, bool) {
	if !HasPeer(rec) {
		return reports.Figure{}, false
	}
	type series struct{ own, peer, ratio reports.Series }
	byName := map[string]*series{}
	var names []string
	engine := ""
	var ticks []float64
	for _, pt := range rec.Points {
		q := pt.Peer
		if q == nil {
			continue
		}
		engine = q.Engine
		s := byName[pt.Name]
		if s == nil {
			s = &series{own: reports.Series{Name: pt.Name, Key: pt.Name}, peer: reports.Series{Name: pt.Name + " (" + q.Engine + ")", Key: pt.Name, Dashed: true},
				ratio: reports.Series{Name: pt.Name, Key: pt.Name}}
			byName[pt.Name] = s
			names = append(names, pt.Name)
		}
		x := float64(pt.T)
		if !slices.Contains(ticks, x) {
			ticks = append(ticks, x)
		}
		if pt.Status == harness.StatusOK {
			s.own.X, s.own.Y = append(s.own.X, x), append(s.own.Y, pt.StepMs.Median)
		}
		if q.Status == harness.StatusOK {
			s.peer.X, s.peer.Y = append(s.peer.X, x), append(s.peer.Y, q.StepMs.Median)
		}
		if r, ok := PeerSpeedup(pt); ok {
			s.ratio.X, s.ratio.Y = append(s.ratio.X, x), append(s.ratio.Y, r)
		}
	}
	slices.Sort(ticks)
	times := reports.Panel{Title: "training step time: rnnbench (solid), " + engine + " (dashed)", XLabel: "sequence length T",
		YLabel: "ms per step (median)", LogX: true, LogY: true, XTicks: ticks}
	ratio := reports.Panel{Title: "speed-up: " + engine + " ÷ rnnbench step time", XLabel: "sequence length T",
		YLabel: "× faster than " + engine, LogX: true, LogY: true, XTicks: ticks}
	for _, n := range names {
		s := byName[n]
		for _, a := range []struct {
			pn *reports.Panel
			s  reports.Series
		}{{&times, s.own}, {&times, s.peer}, {&ratio, s.ratio}} {
			if len(a.s.X) > 0 {
				a.pn.Series = append(a.pn.Series, a.s)
			}
		}
	}
	var panels []reports.Panel
	for _, pn := range []reports.Panel{times, ratio} {
		if len(pn.Series) > 0 {
			panels = append(panels, pn)
		}
	}
	if len(panels) == 0 {
		return reports.Figure{}, false
	}
	return reports.Figure{Title: "rnnbench beside " + engine + ", point by point", Caption: Caption(rec.Machine, "sequence-length sweep with --peer "+engine),
		Cols: 2, Panels: panels}, true
}
