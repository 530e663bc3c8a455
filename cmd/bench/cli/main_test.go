package cli

import (
	"os"
	"strings"
	"testing"
)

// asBench makes the test binary act as the bench command: a sweep re-runs
// os.Executable() (this test binary in tests) as `bench point ...` for each
// point, and TestMain turns those children into bench.
const asBench = "RNNBENCH_TEST_AS_BENCH"

func TestMain(m *testing.M) {
	if os.Getenv(asBench) == "1" && !isTestRun(os.Args[1:]) {
		os.Exit(Main(append([]string{"bench"}, os.Args[1:]...), os.Stdout, os.Stderr))
	}
	os.Setenv(asBench, "1") // for the children of this process only
	os.Exit(m.Run())
}

// isTestRun reports whether args are the test binary's own flags, as when
// `go test -fuzz` starts its worker processes (which inherit asBench).
func isTestRun(args []string) bool {
	for _, a := range args {
		if strings.HasPrefix(a, "-test.") {
			return true
		}
	}
	return false
}
