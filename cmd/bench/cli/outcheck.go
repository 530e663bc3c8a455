package cli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// checkOutDir checks the folder a command will write into (--out, or
// --resume's folder) before anything runs: a folder bench cannot write
// in — a read-only file system, or no write permission — judged on
// the folder or, if it does not exist yet, its nearest existing parent,
// without writing anything (access(2), W_OK).
func checkOutDir(flag, dir string) error {
	if dir == "" {
		return nil // see checkCommandArgs; --resume "" has its own message
	}
	p := dir
	for {
		st, err := os.Stat(p)
		if err == nil {
			if !st.IsDir() {
				return nil // "is a file" is said by the command
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) || filepath.Dir(p) == p {
			return nil
		}
		p = filepath.Dir(p)
	}
	if err := writable(p); err != nil {
		where := ""
		if p != dir {
			where = " (in " + quote(p) + ")"
		}
		return badInput("--%s %q cannot be written%s: %v: choose a writable folder", flag, dir, where, err)
	}
	return nil
}

// checkMergeOut refuses an --out for bench merge that is a file, that is
// one of the inputs once symbolic links are resolved (the merge would
// overwrite a shard it reads), or that already holds results (a run's or
// an earlier merge's: the new files would mix with the old ones).
func checkMergeOut(out string, dirs []string) error {
	if st, err := os.Stat(out); err == nil && !st.IsDir() {
		return badInput("--out %q is a file; give a folder", out)
	}
	ro := resolvePath(out)
	for _, d := range dirs {
		if resolvePath(d) == ro {
			return badInput("--out %q is also an input (%q, after resolving symbolic links): write the merge to a new folder", out, d)
		}
	}
	for _, f := range earlierResultFiles {
		if _, err := os.Lstat(filepath.Join(out, f)); err == nil {
			return badInput("--out %q already holds results (%s): write the merge to a new folder", out, f)
		}
	}
	return nil
}

// resolvePath returns p absolute with every symbolic link resolved, for
// the part of p that exists; the rest is appended as written.
func resolvePath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	rest := ""
	for cur := abs; ; cur = filepath.Dir(cur) {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest)
		}
		if filepath.Dir(cur) == cur {
			return abs
		}
		rest = filepath.Join(filepath.Base(cur), rest)
	}
}

func quote(s string) string { return `"` + s + `"` } // for a path already known to be printable
