//go:build linux

package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A real sweep process (this test binary acting as bench) is SIGKILLed
// while its point process runs: the point process dies with it, within 5
// seconds, instead of running on with PPID 1 (harness.ConfigureChild).
func TestSweepPointDiesWithSweep(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sweep")
	// One slow point: seconds of work, so that it is still running when
	// its parent is killed.
	args := []string{"run", "--task", "sweep", "--quiet", "--model", "gru", "--dim", "64", "--layers", "2",
		"--batch", "8", "--lengths", "2048", "--repeats", "100", "--out", out}
	cmd := startGroup(t, args...) // whatever is left of the group is killed at the end
	child := 0
	for deadline := time.Now().Add(60 * time.Second); child == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no point process appeared within 60 s")
		}
		child = pointChildOf(cmd.Process.Pid)
	}
	time.Sleep(200 * time.Millisecond) // past its start-up
	if !running(child) {
		t.Skip("the point finished before the sweep could be killed")
	}
	cmd.Process.Signal(syscall.SIGKILL) // the sweep only, not its group
	for deadline := time.Now().Add(5 * time.Second); running(child); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("point process %d still running 5 s after its sweep was SIGKILLed", child)
		}
	}
}

// pointChildOf returns the pid of a `bench point` child of parent, or 0.
func pointChildOf(parent int) int {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(stat)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // state, ppid, ...
		if len(f) < 2 || f[1] != strconv.Itoa(parent) {
			continue
		}
		if cl, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline")); strings.Contains(string(cl), "point\x00--json") {
			return pid
		}
	}
	return 0
}

// running reports whether pid exists and is not a zombie.
func running(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && i+2 < len(s) && s[i+2] != 'Z' && s[i+2] != 'X'
}
