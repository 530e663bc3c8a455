package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
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
		// The first line names the output folder; the estimated times come
		// from a timing probe and differ run to run.
		cut := func(s string) string {
			var keep []string
			for _, l := range strings.Split(s[strings.Index(s, "\n"):], "\n") {
				if !strings.Contains(l, "ms/step") && !strings.HasPrefix(l, "Estimated time") {
					keep = append(keep, probeSpace.ReplaceAllString(l, " "))
				}
			}
			return strings.Join(keep, "\n")
		}
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

// An --out (or --resume folder) on a read-only file system is refused
// with exit 2 before anything runs, naming the folder and the reason. The
// test machine may have no read-only mount to try, so writable is made to
// answer EROFS for one folder, as access(2) does on such a mount.
func TestOutOnReadOnlyFileSystem(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o755)
	real := writable
	defer func() { writable = real }()
	writable = func(d string) error {
		if d == ro {
			return syscall.EROFS
		}
		return real(d)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{tiny(ro), `--out "` + ro + `" cannot be written: read-only file system: choose a writable folder`},
		{tiny(filepath.Join(ro, "new", "deeper")), `cannot be written (in "` + ro + `"): read-only file system`},
		{[]string{"merge", "--out", filepath.Join(ro, "m"), dir}, "read-only file system"},
		{tiny("", "--resume", ro), `--resume "` + ro + `" cannot be written`},
	} {
		code, _, stderr := bench(t, tc.args...)
		if code != ExitBadInput || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, %q; want exit 2 with %q", tc.args, code, stderr, tc.want)
		}
	}
	if entries, _ := os.ReadDir(ro); len(entries) != 0 {
		t.Fatalf("wrote %d entries into the read-only folder", len(entries))
	}
}

// probeSpace matches the padding of table cells, whose widths follow the
// probe's timings.
var probeSpace = regexp.MustCompile(`[ -]+`)
