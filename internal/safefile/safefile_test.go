package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"rnnbench/internal/safefile/safefiletest"
	"time"
)

// oneLine fails unless err is a one-line error wrapping want that quotes
// the path.
func oneLine(t *testing.T, err, want error, path string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want one wrapping %v", err, want)
	}
	if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), `"`+strings.ReplaceAll(path, "\n", `\n`)+`"`) {
		t.Fatalf("err = %q: want one line with the path quoted", err)
	}
}

func TestReadFileRegular(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	os.WriteFile(p, []byte("one\ntwo\nthree"), 0o644)
	link := filepath.Join(dir, "link")
	os.Symlink(p, link)
	for _, path := range []string{p, link} {
		b, err := ReadFile(path, Limits{MaxBytes: 13, MaxLineBytes: 5, MaxLines: 3})
		if err != nil || string(b) != "one\ntwo\nthree" {
			t.Fatalf("%s: %q, %v", path, b, err)
		}
	}
}

// A FIFO without a writer, given directly or through a symbolic link, is
// refused at once by name (a plain open would block forever).
func TestReadFileRefusesFIFO(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	link := filepath.Join(dir, "link")
	os.Symlink(fifo, link)
	for _, p := range []string{fifo, link} {
		done := make(chan error, 1)
		go func() { _, err := ReadFile(p, Record); done <- err }()
		select {
		case err := <-done:
			oneLine(t, err, ErrNotRegular, p)
			if !strings.Contains(err.Error(), "named pipe") {
				t.Fatalf("err = %v: want the kind named", err)
			}
		case <-time.After(time.Second):
			t.Fatalf("%s: ReadFile blocked on a FIFO", p)
		}
	}
}

// Devices (endless /dev/zero), directories and a path with a newline.
func TestReadFileRefusesSpecial(t *testing.T) {
	dir := t.TempDir()
	for path, kind := range map[string]string{"/dev/zero": "character device", dir: "a directory"} {
		if _, err := os.Stat(path); err != nil {
			continue
		}
		_, err := ReadFile(path, Data)
		oneLine(t, err, ErrNotRegular, path)
		if !strings.Contains(err.Error(), kind) {
			t.Fatalf("%s: err = %v, want %q", path, err, kind)
		}
	}
	nl := filepath.Join(dir, "a\nb")
	_, err := ReadFile(nl, Data)
	oneLine(t, err, fs.ErrNotExist, nl)
}

// A 10 GB sparse file is refused from its size: ReadFile allocates
// nothing near it (the test's heap grows by < 1 MiB).
func TestReadFileRefusesHugeWithoutReading(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sparse")
	safefiletest.Sparse(t, p, 10<<30)
	var err error
	grew, took := safefiletest.Cost(func() { _, err = ReadFile(p, Data) })
	oneLine(t, err, ErrTooLarge, p)
	if !strings.Contains(err.Error(), "is 10 GiB, more than the 256 MiB allowed") {
		t.Fatalf("err = %v", err)
	}
	if grew > 1<<20 {
		t.Fatalf("allocated %d bytes refusing it", grew)
	}
	if took > time.Second {
		t.Fatalf("took %v", took)
	}
}

func TestReadFileLineLimits(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		data string
		want error
		text string
	}{
		{"ab\ncd\nef", ErrManyLines, "more than 2 lines"},
		{"ab\ncd\n\n", ErrManyLines, "more than 2 lines"},
		{"ab\ncdefg\n", ErrLineLong, "line 2 is longer than 4 bytes"},
		{"abcd\nefgh", nil, ""},
		{"abcd\nefgh\n", nil, ""},
		{"0123456789abc", ErrTooLarge, "more than the 12 bytes allowed"},
	} {
		p := filepath.Join(dir, "f")
		os.WriteFile(p, []byte(tc.data), 0o644)
		b, err := ReadFile(p, Limits{MaxBytes: 12, MaxLineBytes: 4, MaxLines: 2})
		if tc.want == nil {
			if err != nil || string(b) != tc.data {
				t.Errorf("%q: %q, %v", tc.data, b, err)
			}
			continue
		}
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%q: err = %v, want %q", tc.data, err, tc.text)
		}
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{5: "5 bytes", 1024: "1 KiB", 1536: "1.5 KiB", 256 << 20: "256 MiB", 10 << 30: "10 GiB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
