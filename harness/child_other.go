//go:build !linux

package harness

import "syscall"

// childAttr is nil where a child cannot be tied to its parent's death.
func childAttr() *syscall.SysProcAttr { return nil }
