package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"rnnbench/harness"
)

// runPointProcess measures one sweep point in a fresh child process,
// `exe point --json SPEC`, and fills in the child's rusage Maxrss and wall
// time; the peak RSS is the child's own VmHWM when it reports one (see
// harness.SelfPeakRSS for why), else the rusage figure. A child that runs past timeout is killed and the
// point comes back skipped; a child that fails (non-zero exit, a signal
// such as the out-of-memory killer's, unreadable output) comes back failed
// with the last line of its stderr. The error is non-nil only when ctx is
// cancelled, and the point is then not measured.
func runPointProcess(ctx context.Context, exe string, spec harness.PointSpec, timeout time.Duration) (harness.Point, error) {
	pt := harness.NewPoint(spec)
	arg, err := json.Marshal(spec)
	if err != nil {
		return pt, err
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(cctx, exe, "point", "--json", string(arg))
	harness.ConfigureChild(cmd) // killed with this process (Linux), checks its parent at start-up
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	t0 := time.Now()
	runErr := cmd.Run()
	wall := time.Since(t0).Seconds()
	if ctx.Err() != nil {
		return pt, ctx.Err()
	}
	rss := maxRSSBytes(cmd.ProcessState)
	switch {
	case errors.Is(cctx.Err(), context.DeadlineExceeded):
		pt.Status, pt.Reason = harness.PointSkipped, fmt.Sprintf("ran past --point-timeout %s; the process was killed", timeout)
	case runErr != nil:
		pt.Status, pt.Reason = harness.PointFailed, fmt.Sprintf("point process: %v: %s", runErr, lastLine(stderr.String()))
	default:
		var got harness.Point
		if err := json.Unmarshal([]byte(lastLine(stdout.String())), &got); err != nil || got.Index != spec.Index || got.T != spec.T {
			pt.Status, pt.Reason = harness.PointFailed, fmt.Sprintf("point process printed no result for point %d: %q", spec.Index, lastLine(stdout.String()))
		} else {
			pt = got
		}
	}
	pt.RusageRSS, pt.WallS = rss, wall
	if pt.PeakRSSBytes == 0 {
		pt.PeakRSSBytes = rss // no VmHWM (not Linux): rusage is the best figure there is
	}
	return pt, nil
}

// lastLine returns the last non-blank line of s, trimmed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
