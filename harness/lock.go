package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LockFile is the file in an experiment's folder that the process writing
// it holds locked (an advisory lock, flock(2) on Unix), so that a second
// bench on the same --out, or a --resume of a folder a live process is
// still writing, is refused instead of mixing two runs in one folder. The
// kernel drops the lock when its process exits, however it exits
// (SIGKILL included), so a killed run's folder is resumable at once. The
// file holds the process id of its last holder, for the message.
const LockFile = "bench.lock"

// LockedError is the error of Lock and CheckUnlocked when another live
// process holds a folder's lock.
type LockedError struct {
	Dir    string
	Holder string // " (pid N)", or "" when the lock file names none
}

func (e *LockedError) Error() string {
	return e.Dir + " is being written by another bench process" + e.Holder
}

// Lock takes the lock of the folder dir (which must exist) for this
// process and returns a function that releases it. It fails with a
// *LockedError naming the holder's process id if another process holds
// it, and with the file system's error if the lock file cannot be opened.
func Lock(dir string) (release func(), err error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		holder := readHolder(path)
		f.Close()
		return nil, &LockedError{dir, holder}
	}
	f.Truncate(0)
	fmt.Fprintf(f, "%d\n", os.Getpid())
	f.Sync()
	return func() { unlockFile(f); f.Close() }, nil
}

// CheckUnlocked returns a *LockedError if another live
// process holds dir's lock, and nil otherwise (also when dir or its lock
// file does not exist). It writes nothing: a refused command leaves the
// folder as it was.
func CheckUnlocked(dir string) error {
	path := filepath.Join(dir, LockFile)
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	if err := lockFile(f); err != nil {
		return &LockedError{dir, readHolder(path)}
	}
	unlockFile(f)
	return nil
}

// readHolder returns " (pid N)" from a lock file, or "".
func readHolder(path string) string {
	b, err := os.ReadFile(path)
	if pid := strings.TrimSpace(string(b)); err == nil && pid != "" {
		return " (pid " + pid + ")"
	}
	return ""
}
