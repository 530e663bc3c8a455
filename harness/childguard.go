package harness

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
)

// A sweep measures each point in a child process (`bench point`). The
// child must not outlive the sweep: if the parent is killed (SIGKILL, the
// out-of-memory killer, a crashed shell), a child left running would keep
// a core busy and skew whatever runs next. ConfigureChild arranges that on
// Linux the kernel kills the child when its parent dies (prctl
// PR_SET_PDEATHSIG with SIGKILL; Go also checks, between fork and exec,
// that the parent has not died already), and tells the child its parent's
// pid, which CheckParent compares at start-up. On other systems only the
// start-up check applies.
//
// The kernel sends the signal when the parent thread that started the
// child exits; the Go runtime ends a thread only when a goroutine that
// locked it exits locked, which the sweep never does.

// ParentEnv names the environment variable that carries the sweep's pid
// to its point process.
const ParentEnv = "RNNBENCH_PARENT_PID"

// ConfigureChild prepares cmd, a point process about to be started, to
// die with this process (see above).
func ConfigureChild(cmd *exec.Cmd) {
	setParentDeathSignal(cmd)
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, ParentEnv+"="+strconv.Itoa(os.Getpid()))
}

// CheckParent returns an error if this process was started by
// ConfigureChild's parent and that parent is gone (this process has been
// re-parented), so that a point whose sweep died before it started does
// not run; it returns nil when ParentEnv is unset.
func CheckParent() error {
	v := os.Getenv(ParentEnv)
	if v == "" {
		return nil
	}
	want, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("%s=%q is not a process id", ParentEnv, v)
	}
	if got := os.Getppid(); got != want {
		return fmt.Errorf("the sweep that started this point (pid %d) is gone (parent now pid %d): not measuring", want, got)
	}
	return nil
}
