package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// UnitSpec is one unit as handed to a child process (`bench point --json
// SPEC`): exactly one of Train and Point is set. The child prints its
// entry (a Result or a Point) as the last line of its stdout.
type UnitSpec struct {
	Train *TrainSpec `json:"train,omitempty"`
	Point *PointSpec `json:"point,omitempty"`
}

// RunPointProcess measures one sweep point in a fresh child process,
// `exe point --json SPEC`, and fills in the child's rusage Maxrss and wall
// time; the peak RSS is the child's own VmHWM when it reports one (see
// SelfPeakRSS for why), else the rusage figure. A child that runs past
// timeout is killed and the point comes back skipped; a child that fails
// (non-zero exit, a signal such as the out-of-memory killer's, unreadable
// output) comes back failed with the last line of its stderr. The error is
// non-nil only when ctx is cancelled, and the point is then not measured.
func RunPointProcess(ctx context.Context, exe string, spec PointSpec, timeout time.Duration) (Point, error) {
	pt := NewPoint(spec)
	var stderr bytes.Buffer
	out, ps, wall, runErr := runChild(ctx, exe, UnitSpec{Point: &spec}, timeout, false, &stderr)
	if ctx.Err() != nil {
		return pt, ctx.Err()
	}
	rss := maxRSSBytes(ps)
	switch {
	case errors.Is(runErr, context.DeadlineExceeded):
		pt.Status, pt.Reason = StatusSkipped, fmt.Sprintf("ran past --point-timeout %s; the process was killed", timeout)
	case runErr != nil:
		pt.Status, pt.Reason = StatusFailed, fmt.Sprintf("point process: %v: %s", runErr, lastLine(stderr.String()))
	default:
		var got Point
		if err := json.Unmarshal([]byte(lastLine(out)), &got); err != nil || got.Index != spec.Index || got.T != spec.T {
			pt.Status, pt.Reason = StatusFailed, fmt.Sprintf("point process printed no result for point %d: %q", spec.Index, lastLine(out))
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

// RunTrainProcess runs one training unit in a child process, `exe point
// --json SPEC`, whose progress lines go to progress (nil: none). When ctx
// is cancelled the child is interrupted (it saves its checkpoint, if it
// keeps one) and its result comes back with status "interrupted". A child
// that fails is an error with the last line of its stderr. The child
// keeps bench's GOMAXPROCS: on an idle 2-core machine two units at once
// finished 4 small units in 0.57× the wall time of one at a time (README,
// Experiments).
func RunTrainProcess(ctx context.Context, exe string, spec TrainSpec, progress io.Writer) (Result, error) {
	var tail bytes.Buffer
	w := io.Writer(&tail)
	if progress != nil {
		w = io.MultiWriter(progress, &tail)
	}
	out, _, _, err := runChild(ctx, exe, UnitSpec{Train: &spec}, 0, true, w)
	var res Result
	if jerr := json.Unmarshal([]byte(lastLine(out)), &res); jerr == nil && res.Unit != nil && res.Unit.ID == spec.Unit.ID {
		return res, nil
	}
	if err == nil {
		err = errors.New("it printed no result")
	}
	return res, fmt.Errorf("unit %s: child process: %v: %s", spec.Unit.ID, err, lastLine(tail.String()))
}

// runChild runs `exe point --json SPEC` with stderr to errw and returns
// its stdout, process state and wall seconds. timeout > 0 kills the child
// after that long (the error then wraps context.DeadlineExceeded);
// cancelling ctx kills it, or with interrupt sends it os.Interrupt (so
// that it saves and reports) and kills it 30 s later.
func runChild(ctx context.Context, exe string, spec UnitSpec, timeout time.Duration, interrupt bool, errw io.Writer) (string, *os.ProcessState, float64, error) {
	arg, err := json.Marshal(spec)
	if err != nil {
		return "", nil, 0, err
	}
	cctx, cancel := ctx, context.CancelFunc(func() {})
	if timeout > 0 {
		cctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	cmd := exec.CommandContext(cctx, exe, "point", "--json", string(arg))
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, errw
	ConfigureChild(cmd) // dies with this process (Linux), checks its parent at start-up (childguard.go)
	cmd.WaitDelay = 30 * time.Second
	cmd.Cancel = func() error {
		if !interrupt || errors.Is(cctx.Err(), context.DeadlineExceeded) {
			return cmd.Process.Kill()
		}
		return cmd.Process.Signal(os.Interrupt)
	}
	t0 := time.Now()
	runErr := cmd.Run()
	wall := time.Since(t0).Seconds()
	if runErr != nil && errors.Is(cctx.Err(), context.DeadlineExceeded) {
		runErr = fmt.Errorf("%w: %v", context.DeadlineExceeded, runErr)
	}
	return stdout.String(), cmd.ProcessState, wall, runErr
}

// lastLine returns the last non-blank line of s, trimmed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
