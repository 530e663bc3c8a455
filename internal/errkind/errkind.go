// Package errkind makes the one-line errors bench shows to users: each
// carries its own text (naming the flag, file or value it is about, with
// no package prefix) and matches a category sentinel, and the error that
// caused it if any, under errors.Is and errors.As. internal/safefile and
// tasks build their errors with it.
package errkind

import "fmt"

// kindError is an error whose text is msg and which matches kind (and
// cause, if any) under errors.Is.
type kindError struct {
	msg         string
	kind, cause error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// New returns an error of category kind whose text is the formatted
// message.
func New(kind error, format string, args ...any) error {
	return &kindError{msg: fmt.Sprintf(format, args...), kind: kind}
}

// Wrap is New that also wraps cause (which may be a sentinel from io/fs).
func Wrap(kind, cause error, format string, args ...any) error {
	return &kindError{msg: fmt.Sprintf(format, args...), kind: kind, cause: cause}
}
