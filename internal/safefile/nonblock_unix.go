//go:build unix

package safefile

import "syscall"

// nonBlock makes open return at once on a FIFO without a writer.
const nonBlock = syscall.O_NONBLOCK
