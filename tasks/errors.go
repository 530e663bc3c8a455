package tasks

import (
	"errors"

	"rnnbench/internal/errkind"
)

// Sentinel errors, matched with errors.Is. They are categories only: the
// errors returned carry a full one-line message of their own.
var (
	ErrConfig      = errors.New("tasks: invalid task configuration")
	ErrEmpty       = errors.New("tasks: empty data file")
	ErrNotText     = errors.New("tasks: data file is not text")
	ErrTooShort    = errors.New("tasks: data file too short for the sequence length")
	ErrUnknownByte = errors.New("tasks: byte not in the vocabulary")
	ErrChecksum    = errors.New("tasks: downloaded file has the wrong size or SHA-256")
)

// errorf returns an error of category kind whose text is the formatted
// message (errkind.New). The text has no package prefix: it is shown to
// the user as is, and names the flag or file it is about.
func errorf(kind error, format string, args ...any) error {
	return errkind.New(kind, format, args...)
}

// wrapf is errorf that also wraps cause (which may be a sentinel from io/fs).
func wrapf(kind, cause error, format string, args ...any) error {
	return errkind.Wrap(kind, cause, format, args...)
}
