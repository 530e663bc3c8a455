// Package safefile reads files that bench did not write itself, or that
// may have been replaced since: --data, results.json, results.jsonl,
// points.jsonl, results.bench and baselines, checkpoints. Such a file may
// be anything a path can name, so ReadFile
//
//   - resolves symbolic links and accepts only a regular file: a named
//     pipe (which would block a plain open forever), a device such as
//     /dev/zero (endless), a socket or a directory is refused by name,
//     and the file is opened with O_NONBLOCK so that one swapped in
//     between the check and the open cannot block either;
//   - refuses a file over Limits.MaxBytes from its size alone, before
//     reading any of it (a 10 GB sparse file costs one fstat);
//   - reads in chunks and stops at the first line longer than
//     Limits.MaxLineBytes or the line past Limits.MaxLines, so a crafted
//     file never costs more than the limits allow.
//
// Every error is one line that quotes the path (%q: a name holding a
// newline cannot split it) and wraps one of the sentinel errors below, or
// the fs error (fs.ErrNotExist, fs.ErrPermission) of a failed stat or open.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"

	"rnnbench/internal/errkind"
)

// Sentinel errors, matched with errors.Is.
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("file too large")
	ErrLineLong   = errors.New("line too long")
	ErrManyLines  = errors.New("too many lines")
)

// Limits bound what ReadFile reads. A zero field is no limit, except
// MaxBytes, which must be set.
type Limits struct {
	MaxBytes     int64 // the file's size, bytes
	MaxLineBytes int   // bytes of one line, without its newline
	MaxLines     int   // lines, a last one without newline included
}

// The limits bench applies to each kind of file it reads (README,
// "Reliability"). They are far above what bench itself writes.
var (
	// Data: a --data text file. Its ids take 4 bytes per byte in memory.
	Data = Limits{MaxBytes: 256 << 20}
	// Record: a results.json.
	Record = Limits{MaxBytes: 64 << 20}
	// JSONLines: results.jsonl and points.jsonl (a result line with a
	// --sample of 10^6 characters is at most ~6 MiB).
	JSONLines = Limits{MaxBytes: 256 << 20, MaxLineBytes: 16 << 20, MaxLines: 100_000}
	// Bench: a results.bench, CI baseline or `go test -bench` output.
	Bench = Limits{MaxBytes: 16 << 20, MaxLineBytes: 64 << 10, MaxLines: 10_000}
	// Checkpoint: a training checkpoint (parameters and two moments).
	Checkpoint = Limits{MaxBytes: 16 << 30}
)

// chunk is how much ReadFile reads at a time.
const chunk = 1 << 20

// Open opens path for reading if it is a regular file after following
// symbolic links, without blocking on a FIFO, and returns it with its
// size. The caller closes it.
func Open(path string) (*os.File, int64, error) {
	st, err := os.Stat(path) // follows symbolic links
	if err != nil {
		return nil, 0, statError(path, err)
	}
	if err := regular(path, st); err != nil {
		return nil, 0, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, 0, statError(path, err)
	}
	st, err = f.Stat() // the file opened, which may not be the one checked
	if err == nil {
		err = regular(path, st)
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// ReadFile returns the contents of the regular file at path within lim.
func ReadFile(path string, lim Limits) ([]byte, error) {
	f, size, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if lim.MaxBytes > 0 && size > lim.MaxBytes {
		return nil, errkind.New(ErrTooLarge, "%q is %s, more than the %s allowed", path, Size(size), Size(lim.MaxBytes))
	}
	data := make([]byte, 0, min(size, lim.MaxBytes)+1)
	lines, lineLen := 0, 0
	for {
		if int64(len(data)) > lim.MaxBytes {
			return nil, errkind.New(ErrTooLarge, "%q grew past the %s allowed while being read", path, Size(lim.MaxBytes))
		}
		if len(data) == cap(data) { // only a file that grew since its fstat
			data = slices.Grow(data, chunk)
		}
		n, err := f.Read(data[len(data):min(cap(data), len(data)+chunk)])
		for _, b := range data[len(data) : len(data)+n] {
			if b == '\n' {
				lines++
				lineLen = 0
				if lim.MaxLines > 0 && lines > lim.MaxLines {
					return nil, errkind.New(ErrManyLines, "%q has more than %d lines", path, lim.MaxLines)
				}
				continue
			}
			lineLen++
			if lim.MaxLineBytes > 0 && lineLen > lim.MaxLineBytes {
				return nil, errkind.New(ErrLineLong, "%q line %d is longer than %d bytes", path, lines+1, lim.MaxLineBytes)
			}
		}
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read %q: %w", path, unwrapPath(err))
		}
	}
	if lineLen > 0 && lim.MaxLines > 0 && lines+1 > lim.MaxLines {
		return nil, errkind.New(ErrManyLines, "%q has more than %d lines", path, lim.MaxLines)
	}
	return data, nil
}

// regular refuses anything but a regular file, naming what it is.
func regular(path string, st fs.FileInfo) error {
	m := st.Mode()
	if m.IsRegular() {
		return nil
	}
	kind := "not a regular file"
	switch {
	case m.IsDir():
		kind = "a directory"
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m&fs.ModeCharDevice != 0:
		kind = "a character device"
	case m&fs.ModeDevice != 0:
		kind = "a block device"
	}
	return errkind.New(ErrNotRegular, "%q is %s, not a regular file", path, kind)
}

// statError is a failed stat or open as one line, wrapping its fs error.
func statError(path string, err error) error {
	cause := unwrapPath(err)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errkind.New(fs.ErrNotExist, "%q does not exist", path)
	case errors.Is(err, fs.ErrPermission):
		return errkind.New(fs.ErrPermission, "cannot read %q: permission denied", path)
	}
	return fmt.Errorf("cannot read %q: %w", path, cause)
}

// unwrapPath drops the *fs.PathError around err, whose text repeats the
// path unquoted.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Size formats a byte count with a binary unit, e.g. "64 MiB".
func Size(n int64) string {
	const units = "KMGTPE"
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	v, i := float64(n)/1024, 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %ciB", int64(v), units[i])
	}
	return fmt.Sprintf("%.1f %ciB", v, units[i])
}
