//go:build !unix

package harness

import "os"

// Without flock, folders are not locked: two processes on one --out are
// not detected.
func lockFile(*os.File) error { return nil }
func unlockFile(*os.File)     {}
