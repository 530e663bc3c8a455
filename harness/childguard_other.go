//go:build !linux

package harness

import "os/exec"

// setParentDeathSignal: no parent-death signal outside Linux; the child's
// start-up check (CheckParent) still applies.
func setParentDeathSignal(*exec.Cmd) {}
