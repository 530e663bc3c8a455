package harness

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childRole makes this test binary, re-run by TestChildDiesWithParent,
// act as a sweep parent ("parent": start a child with ConfigureChild,
// print its pid, wait) or as its point process ("child": sleep).
const childRole = "RNNBENCH_TEST_CHILD_ROLE"

func TestChildDiesWithParent(t *testing.T) {
	switch os.Getenv(childRole) {
	case "parent":
		cmd := exec.Command(os.Args[0], "-test.run=^TestChildDiesWithParent$")
		cmd.Env = append(os.Environ(), childRole+"=child")
		cmd.Stdout = os.Stdout // the child says "ready" on the test's pipe
		ConfigureChild(cmd)
		if err := cmd.Start(); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println(cmd.Process.Pid)
		cmd.Wait()
		os.Exit(0)
	case "child":
		if err := CheckParent(); err != nil {
			os.Exit(3)
		}
		fmt.Println("ready") // past the start-up check: only the parent-death signal can stop it now
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	if runtime.GOOS != "linux" {
		t.Skip("parent-death signal is Linux only")
	}
	parent := exec.Command(os.Args[0], "-test.run=^TestChildDiesWithParent$")
	parent.Env = append(os.Environ(), childRole+"=parent")
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(out)
	line, err := r.ReadString('\n')
	pid, perr := strconv.Atoi(strings.TrimSpace(line))
	ready, rerr := r.ReadString('\n')
	if err != nil || perr != nil || rerr != nil || ready != "ready\n" {
		parent.Process.Kill()
		t.Fatalf("parent said %q, child %q: %v %v %v", line, ready, err, perr, rerr)
	}
	if !alive(pid) {
		t.Fatalf("child %d not running before the parent was killed", pid)
	}
	parent.Process.Signal(syscall.SIGKILL)
	parent.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("child %d still running 5 s after its parent was SIGKILLed", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive reports whether pid runs (a zombie, dead but not yet reaped by
// its new parent, does not count).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && i+2 < len(s) && s[i+2] != 'Z' && s[i+2] != 'X'
}

// CheckParent accepts the parent named in ParentEnv, refuses another, and
// does nothing without it.
func TestCheckParent(t *testing.T) {
	t.Setenv(ParentEnv, strconv.Itoa(os.Getppid()))
	if err := CheckParent(); err != nil {
		t.Fatal(err)
	}
	t.Setenv(ParentEnv, "1")
	if err := CheckParent(); err == nil || !strings.Contains(err.Error(), "(pid 1) is gone") {
		t.Fatalf("err = %v", err)
	}
	t.Setenv(ParentEnv, "")
	if err := CheckParent(); err != nil {
		t.Fatal(err)
	}
}
