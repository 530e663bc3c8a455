// Package atomicfile is bench's one way to replace a file: results.json,
// results.md, results.bench, the plots, checkpoints and the downloaded
// corpus are all written by Write, so that a reader, a crash or a power
// loss sees the old file or the new one, never a mix.
//
// Write creates a temporary file beside the target, named
// TempPattern (".tmp-<name>-<random digits>"), fills it, syncs it, makes
// it mode 0644 (as os.WriteFile would under the usual umask), renames it
// over the target and syncs the directory, so that the rename itself is
// on disk. On any failure the temporary file is removed and the target is
// left as it was. A process killed between the create and the rename
// leaves its temporary file behind; RemoveStale deletes such leftovers
// (bench run --resume calls it).
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// tempPrefix starts every temporary name; os.CreateTemp replaces the
// final "*" by random decimal digits.
const tempPrefix = ".tmp-"

// TempPattern is the os.CreateTemp pattern of a temporary file for a
// target named base.
func TempPattern(base string) string { return tempPrefix + base + "-*" }

// tempName matches the names TempPattern yields.
var tempName = regexp.MustCompile(`^\.tmp-.+-[0-9]+$`)

// IsTemp reports whether name (a base name) is a temporary name of this
// package.
func IsTemp(name string) bool { return tempName.MatchString(name) }

// WriteFile replaces path by data atomically (see the package comment).
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write replaces path atomically by what fill writes. An error from fill
// (fill may also check what it wrote, e.g. a checksum) leaves path
// untouched and is returned as is; other errors name path.
func Write(path string, fill func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, TempPattern(filepath.Base(path)))
	if err != nil {
		return fmt.Errorf("writing %q: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := fill(f); err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil { // CreateTemp makes 0600
		return fmt.Errorf("writing %q: %w", path, err)
	}
	if err := f.Sync(); err != nil { // the data on disk before the rename publishes it
		return fmt.Errorf("writing %q: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %q: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing %q: %w", path, err)
	}
	return SyncDir(dir)
}

// SyncDir syncs the directory dir, so that a rename or create in it
// survives a power loss. File systems that cannot sync a directory
// (EINVAL, as some network ones answer) are not an error.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing folder %q: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !isUnsupported(err) {
		return fmt.Errorf("syncing folder %q: %w", dir, err)
	}
	return nil
}

// MkdirTemp creates a temporary folder in dir named by TempPattern(base),
// for files to be moved into dir together; RemoveStale removes it if a
// crash leaves it.
func MkdirTemp(dir, base string) (string, error) {
	return os.MkdirTemp(dir, TempPattern(base))
}

// RemoveStale removes the temporary files and folders (IsTemp) that an
// interrupted Write or MkdirTemp left in each of dirs; a folder that does
// not exist is skipped. It returns the paths removed.
func RemoveStale(dirs ...string) ([]string, error) {
	var removed []string
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return removed, fmt.Errorf("listing %q: %w", dir, err)
		}
		for _, e := range entries {
			if !IsTemp(e.Name()) {
				continue
			}
			p := filepath.Join(dir, e.Name())
			if err := os.RemoveAll(p); err != nil {
				return removed, fmt.Errorf("removing stale temporary file %q: %w", p, err)
			}
			removed = append(removed, p)
		}
	}
	return removed, nil
}
