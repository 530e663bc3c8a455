package views

import (
	"fmt"
	"strings"

	"rnnbench/harness"
)

// Caption builds the caption line of a figure from what was measured: the
// parts given (task and its sizes, model sizes, seeds, steps), then the
// machine (CPU, cores, GOMAXPROCS, matmul backend, commit). Empty parts are
// left out.
func Caption(m harness.Machine, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			keep = append(keep, p)
		}
	}
	keep = append(keep, fmt.Sprintf("measured on %s, %d cores, GOMAXPROCS %d, matmul %s, %s, commit %s",
		m.CPU, m.Cores, m.GOMAXPROCS, m.Backend, m.GoVersion, m.Commit))
	return strings.Join(keep, " · ")
}
