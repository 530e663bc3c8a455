package harness

import "syscall"

// childAttr makes a unit's child process die with its parent: a bench
// killed by SIGKILL (or the out-of-memory killer) leaves no unit running.
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
