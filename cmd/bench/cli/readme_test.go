package cli

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// benchLine finds a bench invocation in a README code line: `bench …`,
// `./bench …` or `go run ./cmd/bench …`.
var benchLine = regexp.MustCompile(`(?:^|[\s"(])(?:\./bench|bench|go run \./cmd/bench)\s+([a-z][a-z-]*)((?:\s+[^\s#|>&;"')]+)*)`)

// readmeCommands returns the bench invocations in README.md's code blocks,
// with continuation lines joined.
func readmeCommands(t *testing.T) [][]string {
	t.Helper()
	b, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var cmds [][]string
	inCode := false
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inCode = !inCode
			continue
		}
		if !inCode || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		for _, m := range benchLine.FindAllStringSubmatch(line, -1) {
			cmds = append(cmds, append([]string{m[1]}, strings.Fields(m[2])...))
		}
	}
	return cmds
}

// Every bench command in the README names a real command and only flags
// that command defines, so the README stays true as flags change.
func TestReadmeCommandsExist(t *testing.T) {
	app := newApp(nil, nil)
	cmds := readmeCommands(t)
	if len(cmds) < 10 {
		t.Fatalf("found only %d bench commands in README.md", len(cmds))
	}
	for _, cmd := range cmds {
		c := app.Command(cmd[0])
		if c == nil {
			if cmd[0] == "value" { // "bench run --help" output lines
				continue
			}
			t.Errorf("README runs `bench %s`: no such command", strings.Join(cmd, " "))
			continue
		}
		flags := map[string]bool{"help": true, "h": true}
		for _, f := range c.Flags {
			for _, n := range f.Names() {
				flags[n] = true
			}
		}
		for _, arg := range cmd[1:] {
			if name, ok := strings.CutPrefix(arg, "--"); ok {
				name, _, _ = strings.Cut(name, "=")
				if !flags[name] {
					t.Errorf("README runs `bench %s`: %s has no flag --%s", strings.Join(cmd, " "), cmd[0], name)
				}
			}
		}
	}
}

// Every make target the README names exists in the Makefile.
func TestReadmeMakeTargetsExist(t *testing.T) {
	readme, _ := os.ReadFile("../../../README.md")
	mk, err := os.ReadFile("../../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile("`make ([a-z-]+)").FindAllStringSubmatch(string(readme), -1) {
		if !regexp.MustCompile(`(?m)^` + m[1] + `:`).Match(mk) {
			t.Errorf("README names `make %s`, which the Makefile lacks", m[1])
		}
	}
	for _, want := range []string{"make run", "make test"} {
		if !strings.Contains(string(readme[:min(len(readme), 400)]), want) {
			t.Errorf("README does not start with %q", want)
		}
	}
}
