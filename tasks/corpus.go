package tasks

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"unicode"
	"unicode/utf8"

	"rnnbench/internal/safefile"
)

// Corpus is a byte-level text corpus split into training and validation
// ids. Vocab holds the sorted distinct bytes of the training part; byte
// Vocab[i] has id i. Validation bytes not in Vocab get the unknown id
// len(Vocab); UnknownVal counts them (see V).
type Corpus struct {
	Vocab      []byte  // [len(Vocab)] sorted distinct training bytes
	Train, Val []int32 // ids, one per byte of the file
	UnknownVal int     // validation bytes mapped to the unknown id len(Vocab)
}

// V returns the vocabulary size a model needs: len(Vocab), plus one for the
// unknown id when UnknownVal > 0.
func (c *Corpus) V() int {
	if c.UnknownVal > 0 {
		return len(c.Vocab) + 1
	}
	return len(c.Vocab)
}

// maxBadPercent is the text rule's budget. A file is text when it has no
// NUL byte and at most this percentage of its bytes are unprintable: control
// characters other than \t \n \v \f \r (C0, DEL and, UTF-8 encoded, C1), or
// bytes 0x80–0x9F outside a valid UTF-8 sequence (C1 controls in Latin-1).
// So UTF-8 and Latin-1 text pass, while executables, images and compressed
// files (about a quarter of random bytes are unprintable) fail.
const maxBadPercent = 10

// LoadCorpus reads the text file at path for sequences of length T: the
// first ⌊0.9·n⌋ of its n bytes train, the rest validate (nanoGPT). Both
// parts must hold a window of T+1 bytes, so the file needs at least
// 10·T+1 bytes. Errors, each one line naming the file and the fix:
// T < 1 (ErrConfig); a missing file (wraps fs.ErrNotExist); an unreadable
// file (wraps fs.ErrPermission); an empty file (ErrEmpty); a directory or
// a binary file (ErrNotText): one with a NUL byte or with more than 10%
// unprintable bytes (control characters other than \t \n \v \f \r, or
// bytes 0x80–0x9F outside valid UTF-8; UTF-8 and Latin-1 text pass); too few
// bytes for T (ErrTooShort).
func LoadCorpus(path string, T int) (*Corpus, error) {
	if T < 1 {
		return nil, errorf(ErrConfig, "--seq-len %d: need seq-len ≥ 1", T)
	}
	data, err := readDataFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, errorf(ErrEmpty, "data file %q is empty: pass --data with a non-empty text file", path)
	}
	if err := checkText(path, data); err != nil {
		return nil, err
	}
	n := len(data) * 9 / 10 // = int(0.9*len) for every length a file can have
	if T > (math.MaxInt-1)/10 || len(data) < 10*T+1 {
		need := "more than any file holds"
		if T <= (math.MaxInt-1)/10 {
			need = fmt.Sprintf("at least %d bytes", 10*T+1)
		}
		return nil, errorf(ErrTooShort,
			"data file %q has %d bytes (train %d, val %d) but --seq-len %d needs %s so that both parts hold seq-len+1 = %d: use a longer file or a smaller --seq-len",
			path, len(data), n, len(data)-n, T, need, uint(T)+1)
	}
	return newCorpus(data[:n], data[n:]), nil
}

// ErrTooLarge: the data file is over safefile.Data.MaxBytes.
var ErrTooLarge = errors.New("tasks: data file too large")

// readDataFile reads path with internal/safefile (a regular file only,
// after symbolic links; at most safefile.Data.MaxBytes, refused from its
// size before reading), turning the usual failures into one-line errors.
func readDataFile(path string) ([]byte, error) {
	data, err := safefile.ReadFile(path, safefile.Data)
	switch {
	case err == nil:
		return data, nil
	case errors.Is(err, safefile.ErrNotRegular):
		return nil, wrapf(ErrNotText, err, "data file %v: pass --data with a text file", err)
	case errors.Is(err, safefile.ErrTooLarge):
		return nil, wrapf(ErrTooLarge, err, "data file %v: pass --data with a smaller text file", err)
	}
	return nil, readError(path, err)
}

// readError turns a failure to stat or read path into a one-line error.
func readError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return wrapf(fs.ErrNotExist, err, "data file %q does not exist: check the path passed to --data", path)
	case errors.Is(err, fs.ErrPermission):
		return wrapf(fs.ErrPermission, err, "cannot read data file %q: permission denied: make it readable (chmod a+r) or pass --data with a readable copy", path)
	default:
		cause := err
		if u := errors.Unwrap(err); u != nil {
			cause = u // the reason without safefile's own "cannot read PATH"
		}
		return wrapf(err, nil, "cannot read data file %q: %v", path, cause)
	}
}

// checkText applies the text rule (see maxBadPercent) to data.
func checkText(path string, data []byte) error {
	bad := 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == 0:
			return errorf(ErrNotText, "data file %q looks binary (NUL byte at offset %d): pass --data with a plain text file", path, i)
		case r == utf8.RuneError && size == 1:
			if data[i] < 0xa0 { // Latin-1 0xA0–0xFF is printable
				bad++
			}
		case unicode.IsControl(r) && !(r >= '\t' && r <= '\r'):
			bad++
		}
		i += size
	}
	if bad*100 > maxBadPercent*len(data) {
		return errorf(ErrNotText, "data file %q looks binary (%d of %d bytes are unprintable, more than %d%%): pass --data with a plain text file",
			path, bad, len(data), maxBadPercent)
	}
	return nil
}

// newCorpus builds the vocabulary from train and encodes both parts.
func newCorpus(train, val []byte) *Corpus {
	var seen [256]bool
	for _, c := range train {
		seen[c] = true
	}
	var id [256]int32
	c := &Corpus{}
	for b := range 256 {
		id[b] = -1
		if seen[b] {
			id[b] = int32(len(c.Vocab))
			c.Vocab = append(c.Vocab, byte(b))
		}
	}
	c.Train = make([]int32, len(train))
	for i, b := range train {
		c.Train[i] = id[b]
	}
	c.Val = make([]int32, len(val))
	for i, b := range val {
		c.Val[i] = id[b]
		if id[b] < 0 {
			c.Val[i] = int32(len(c.Vocab))
			c.UnknownVal++
		}
	}
	return c
}

// Decode returns the bytes of ids as a string. The unknown id, and any id
// outside [0, len(Vocab)), decodes to U+FFFD.
func (c *Corpus) Decode(ids []int32) string {
	out := make([]byte, 0, len(ids))
	for _, id := range ids {
		if id >= 0 && int(id) < len(c.Vocab) {
			out = append(out, c.Vocab[id])
		} else {
			out = utf8.AppendRune(out, utf8.RuneError)
		}
	}
	return string(out)
}

// Encode returns the ids of the bytes of s. It fails (ErrUnknownByte) on the
// first byte not in Vocab, naming the byte and its offset.
func (c *Corpus) Encode(s string) ([]int32, error) {
	ids := make([]int32, len(s))
	for i := range len(s) {
		j, ok := slices.BinarySearch(c.Vocab, s[i])
		if !ok {
			return nil, errorf(ErrUnknownByte, "byte %q at offset %d is not in the training vocabulary (%d bytes)",
				string(s[i]), i, len(c.Vocab))
		}
		ids[i] = int32(j)
	}
	return ids, nil
}
