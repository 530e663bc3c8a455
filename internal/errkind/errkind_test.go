package errkind

import (
	"errors"
	"io/fs"
	"testing"
)

var errKind = errors.New("a category")

// An error matches its kind and its cause, not another sentinel, and its
// text is the message alone.
func TestKindAndCause(t *testing.T) {
	e := New(errKind, "%q is %d bytes", "a b", 3)
	if e.Error() != `"a b" is 3 bytes` || !errors.Is(e, errKind) || errors.Is(e, fs.ErrNotExist) {
		t.Fatalf("New: %q, is kind %v, is ErrNotExist %v", e, errors.Is(e, errKind), errors.Is(e, fs.ErrNotExist))
	}
	w := Wrap(errKind, fs.ErrNotExist, "missing")
	if w.Error() != "missing" || !errors.Is(w, errKind) || !errors.Is(w, fs.ErrNotExist) || errors.Is(w, fs.ErrPermission) {
		t.Fatalf("Wrap: %q, is kind %v, is cause %v", w, errors.Is(w, errKind), errors.Is(w, fs.ErrNotExist))
	}
}
