//go:build unix

package cli

import "golang.org/x/sys/unix"

// writable reports why dir cannot be written in, or nil: EROFS on a
// read-only file system, EACCES without permission.
var writable = func(dir string) error { return unix.Access(dir, unix.W_OK) }
