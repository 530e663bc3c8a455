package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"rnnbench/harness"
	"rnnbench/reports"
)

// writePeerViews adds the views of a sweep measured with --peer to dir:
// the side-by-side table appended to results.md (reports.PeerMarkdown)
// and the figure sweep_peer.png (.svg, .pdf). Without a peer point it
// writes nothing.
func writePeerViews(dir string, rec *harness.Record) error {
	if !reports.HasPeer(rec) {
		return nil
	}
	md := filepath.Join(dir, "results.md")
	old, err := os.ReadFile(md)
	if err != nil {
		return fmt.Errorf("writing results to %s: %w", dir, err)
	}
	var b strings.Builder
	b.Write(old)
	if err := reports.PeerMarkdown(&b, rec); err != nil {
		return err
	}
	if err := harness.WriteFileAtomic(md, []byte(b.String())); err != nil {
		return fmt.Errorf("writing results to %s: %w", dir, err)
	}
	if fig, ok := reports.PeerFigure(rec); ok {
		if _, err := reports.SaveFigure(filepath.Join(dir, reports.PeerPNG), fig); err != nil {
			return err
		}
	}
	return nil
}
