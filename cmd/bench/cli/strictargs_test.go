package cli

import (
	"strings"
	"testing"
)

// Names are case-insensitive where bench can tell what was meant: --model
// ALL or GRU,MinGRU and --mode PARALLEL plan the same run as lower case.
func TestNamesCaseInsensitive(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--model", "ALL", "--dry-run"},
		{"run", "--model", "GRU,MinGRU", "--mode", "PARALLEL", "--dry-run"},
	} {
		code, stdout, stderr := bench(t, args...)
		if code != ExitOK || stderr != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, stderr)
		}
		lower := make([]string, len(args))
		for i, a := range args {
			lower[i] = strings.ToLower(a)
		}
		_, want, _ := bench(t, lower...)
		cut := func(s string) string { return s[strings.Index(s, "\n"):] } // the first line names the output folder
		if cut(stdout) != cut(want) {
			t.Fatalf("%v planned\n%s\nwant\n%s", args, stdout, want)
		}
	}
}

// Plain decimal integers pass the raw-argument check, as do values after
// "--", flags that take no value, and a value that only looks like a flag.
func TestCheckRawArgsAcceptsPlain(t *testing.T) {
	app := newApp(nil, nil)
	cmd := app.Command("run")
	for _, args := range [][]string{
		{"--steps", "10", "--dim=64", "--seed", "0", "--batch", "-3"},
		{"--quiet", "--steps", "5"},
		{"--out", "--steps", "--dim", "5"},
		{"--", "--steps", "010"},
		{"--help"},
	} {
		if err := checkCommandArgs(cmd, args); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
}
