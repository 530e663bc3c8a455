package tasks

import (
	"errors"
	"fmt"
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

// taskError is an error whose text is msg and which matches kind (and
// cause, if any) under errors.Is.
type taskError struct {
	msg   string
	kind  error
	cause error
}

func (e *taskError) Error() string { return e.msg }
func (e *taskError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// errorf returns an error of category kind whose text is the formatted
// message. The text has no package prefix: it is shown to the user as is,
// and names the flag or file it is about.
func errorf(kind error, format string, args ...any) error {
	return &taskError{msg: fmt.Sprintf(format, args...), kind: kind}
}

// wrapf is errorf that also wraps cause (which may be a sentinel from io/fs).
func wrapf(kind, cause error, format string, args ...any) error {
	return &taskError{msg: fmt.Sprintf(format, args...), kind: kind, cause: cause}
}
