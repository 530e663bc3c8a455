//go:build unix

package cli

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// startGroup starts this test binary as bench with args (TestMain turns
// it into bench), leading its own process group so that one kill of the
// group reaches its unit and point processes too. Whatever of the group
// is left when the test ends, the test not having waited for cmd, is
// killed then.
func startGroup(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			cmd.Wait()
		}
	})
	return cmd
}

// waitLines waits, polling every millisecond, until the file at path
// holds at least k complete lines (entries of a results or points log),
// and returns when it began to wait and when the first line appeared
// (zero if k is 0 and none had). It fails the test after 60 s.
func waitLines(t *testing.T, path string, k int) (start, first time.Time) {
	t.Helper()
	start = time.Now()
	for {
		c := countLines(path)
		if c >= 1 && first.IsZero() {
			first = time.Now()
		}
		if c >= k {
			return start, first
		}
		if time.Since(start) > 60*time.Second {
			t.Fatalf("%d line(s) did not reach %s within 60 s", k, path)
		}
		time.Sleep(time.Millisecond)
	}
}
