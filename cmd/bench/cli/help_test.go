package cli

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var doubleDefaultRE = regexp.MustCompile(`\(default:[^)]*\) \(default:[^)]*\)`)

// updateHelp rewrites the --help goldens: after adding or changing a flag,
// run `go test ./cmd/bench/cli -run Help -update` and review the diff.
var updateHelp = flag.Bool("update", false, "rewrite testdata/help/*.golden")

// helpCommands are every command whose --help is checked: "" is bench
// itself. point is hidden (the sweep's child process) but has help too.
var helpCommands = []string{"", "run", "claims", "list", "report", "merge", "point", "compare", "ci", "completion"}

// Every --help text is pinned by a golden file, so that a change of a
// flag, a default or a description shows in review. The texts do not
// depend on the machine.
func TestHelpGolden(t *testing.T) {
	for _, cmd := range helpCommands {
		name := cmd
		args := []string{cmd, "--help"}
		if cmd == "" {
			name, args = "bench", []string{"--help"}
		}
		code, stdout, stderr := bench(t, args...)
		if code != ExitOK || stderr != "" {
			t.Fatalf("bench %s: exit %d, stderr %q", strings.Join(args, " "), code, stderr)
		}
		if m := doubleDefaultRE.FindString(stdout); m != "" {
			t.Errorf("bench %s help gives two defaults: %q", name, m)
		}
		path := filepath.Join("testdata", "help", name+".golden")
		if *updateHelp {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(stdout), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./cmd/bench/cli -run Help -update creates it)", err)
		}
		if stdout != string(want) {
			t.Errorf("bench %s --help differs from %s (go test ./cmd/bench/cli -run Help -update rewrites it after an intended change)\n--- got\n%s\n--- want\n%s", name, path, stdout, want)
		}
	}
}

// The run help names every file a run writes.
func TestHelpRunNamesFiles(t *testing.T) {
	_, stdout, _ := bench(t, "run", "--help")
	for _, f := range []string{"results.json", "results.jsonl", "results.md", "results.bench", "results.csv", "loss.png", "index.html"} {
		if !strings.Contains(stdout, f) {
			t.Errorf("run --help does not name %s", f)
		}
	}
}

// Unknown global flags point at bench --help, and a one-letter flag is
// written back as typed.
func TestHelpUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "bench: unknown flag --bogus (see bench --help)\n"},
		{[]string{"-v"}, "bench: unknown flag -v (did you mean --version?) (see bench --help)\n"},
		{[]string{"run", "-x"}, "bench: unknown flag -x (see bench run --help)\n"},
		{[]string{"list", "--dimm", "3"}, "bench: unknown flag --dimm (did you mean --dim?) (see bench list --help)\n"},
	} {
		code, _, stderr := bench(t, tc.args...)
		if code != ExitBadInput || stderr != tc.want {
			t.Errorf("bench %s: exit %d, stderr %q; want 2, %q", strings.Join(tc.args, " "), code, stderr, tc.want)
		}
	}
}

// --version names the module version, commit, Go version and backend.
func TestVersion(t *testing.T) {
	code, stdout, _ := bench(t, "--version")
	if code != ExitOK || !strings.HasPrefix(stdout, "bench ") || !strings.Contains(stdout, ", commit ") ||
		!strings.Contains(stdout, " go1.") || !strings.Contains(stdout, ", matmul ") || strings.Count(stdout, "\n") != 1 {
		t.Fatalf("bench --version: exit %d, %q", code, stdout)
	}
}

// Completion: bench answers --generate-bash-completion with its commands
// and a command's flags, and the bash script turns that into COMPREPLY.
// urfave/cli reads the completion context from os.Args, so bench runs as a
// child process (this test binary acting as bench, see TestMain).
func TestCompletion(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	asChild := func(args ...string) string {
		out, err := exec.Command(exe, args...).Output()
		if err != nil {
			t.Fatalf("bench %s: %v", strings.Join(args, " "), err)
		}
		return string(out)
	}
	cmds := asChild("--generate-bash-completion")
	for _, c := range []string{"run", "report", "completion"} {
		if !strings.Contains(cmds, c+"\n") {
			t.Errorf("command completion lacks %s: %q", c, cmds)
		}
	}
	if strings.Contains(cmds, "point") {
		t.Errorf("command completion offers the hidden point command: %q", cmds)
	}
	if flags := asChild("report", "--f", "--generate-bash-completion"); !strings.Contains(flags, "--format") {
		t.Errorf("report flag completion lacks --format: %q", flags)
	}
	for _, sh := range completionShells {
		code, script, stderr := bench(t, "completion", sh)
		if code != ExitOK || !strings.Contains(script, "bench") || stderr != "" {
			t.Errorf("completion %s: exit %d, stderr %q", sh, code, stderr)
		}
	}
	if code, _, stderr := bench(t, "completion", "tcsh"); code != ExitBadInput || !strings.Contains(stderr, "allowed bash, zsh, fish") {
		t.Errorf("completion tcsh: exit %d, %q", code, stderr)
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to run the completion script in")
	}
	_, script, _ := bench(t, "completion", "bash")
	for line, want := range map[string]string{"bench re": "report", "bench report --fo": "--format", "bench run --dry": "--dry-run"} {
		words := strings.Fields(line)
		prog := "bench() { \"$BENCH_EXE\" \"$@\"; }\n" + script +
			"COMP_WORDS=(" + line + "); COMP_CWORD=" + fmt.Sprint(len(words)-1) + "; _bench_complete; echo \"${COMPREPLY[*]}\"\n"
		cmd := exec.Command(bash, "-c", prog)
		cmd.Env = append(os.Environ(), "BENCH_EXE="+exe)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != want {
			t.Errorf("bash completion of %q: %q, %v; want %s", line, out, err, want)
		}
	}
}
