// Package checkpoint reads and writes training checkpoints in the
// safetensors format (huggingface/safetensors: an 8-byte little-endian
// header length, a JSON header naming each tensor's dtype, shape and byte
// range, then the raw little-endian data). The header's __metadata__
// holds a SHA-256 of the whole file — the header (every tensor's name,
// dtype, shape and offsets, and the metadata, with the sha256 value
// itself read as 64 zeros) and the data — so a file truncated or modified
// anywhere is refused rather than loaded.
//
// Read trusts nothing before it has checked it: the file must be a
// regular file (internal/safefile) of at most safefile.Checkpoint.MaxBytes;
// the header length must fit the file; every tensor must be F32 with a
// shape whose size (computed without overflow) matches its byte range;
// the byte ranges must lie in the data section, not overlap and tile it
// exactly, with nothing before, between or after them. Only then are
// tensors allocated, so a header that claims a tensor of shape
// [2^30, 2^30, 4] costs nothing.
package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"rnnbench/internal/atomicfile"
	"rnnbench/internal/safefile"
)

// ErrCorrupt is returned (wrapped) for a checkpoint that is truncated,
// malformed, inconsistent or whose checksum does not match.
var ErrCorrupt = errors.New("corrupt checkpoint")

// maxHeader bounds the JSON header, so a garbage length cannot make Read
// allocate without limit.
const maxHeader = 64 << 20

// Tensor is one named float32 tensor.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32 // row-major, len = product of Shape
}

type entry struct {
	Dtype       string `json:"dtype"`
	Shape       []int  `json:"shape"`
	DataOffsets [2]int `json:"data_offsets"`
}

// zeroSum is the sha256 value while the file's hash is computed.
var zeroSum = bytes.Repeat([]byte("0"), 64)

// Write stores tensors, in order, and meta at path atomically
// (internal/atomicfile). meta may not use the key "sha256", which Write
// sets.
func Write(path string, tensors []Tensor, meta map[string]string) error {
	b, err := Encode(tensors, meta)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b)
}

// Encode returns the checkpoint file of tensors (stored in the order
// given) and meta.
func Encode(tensors []Tensor, meta map[string]string) ([]byte, error) {
	var data bytes.Buffer
	header := map[string]any{}
	for _, t := range tensors {
		n := 1
		for _, d := range t.Shape {
			n *= d
		}
		if n != len(t.Data) {
			return nil, fmt.Errorf("checkpoint: tensor %q has %d values for shape %v", t.Name, len(t.Data), t.Shape)
		}
		if _, dup := header[t.Name]; dup || t.Name == "__metadata__" {
			return nil, fmt.Errorf("checkpoint: tensor name %q used twice or reserved", t.Name)
		}
		begin := data.Len()
		buf := make([]byte, 4*len(t.Data))
		for i, v := range t.Data {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		data.Write(buf)
		header[t.Name] = entry{Dtype: "F32", Shape: t.Shape, DataOffsets: [2]int{begin, data.Len()}}
	}
	md := map[string]string{}
	for k, v := range meta {
		md[k] = v
	}
	md["sha256"] = string(zeroSum)
	header["__metadata__"] = md
	hj, err := json.Marshal(header)
	if err != nil {
		return nil, err
	}
	for len(hj)%8 != 0 {
		hj = append(hj, ' ')
	}
	out := make([]byte, 8, 8+len(hj)+data.Len())
	binary.LittleEndian.PutUint64(out, uint64(len(hj)))
	out = append(append(out, hj...), data.Bytes()...)
	return Reseal(out)
}

// Reseal sets the sha256 of the checkpoint file b to the hash of its
// current content and returns b. Encode uses it; tests use it to forge a
// file whose header or data were edited on purpose (a deliberate forgery
// passes the hash: Read's consistency checks, and harness's against the
// model, are what stop it).
func Reseal(b []byte) ([]byte, error) {
	at, err := sumAt(b)
	if err != nil {
		return nil, err
	}
	copy(b[at:], zeroSum)
	sum := sha256.Sum256(b)
	hex.Encode(b[at:at+64], sum[:])
	return b, nil
}

// sumAt returns the offset in b of the 64 hex digits of the header's
// "sha256":"…" entry, which must occur exactly once.
func sumAt(b []byte) (int, error) {
	if len(b) < 8 {
		return 0, errors.New("shorter than the 8-byte header length")
	}
	n := binary.LittleEndian.Uint64(b[:8])
	if n > maxHeader || n > uint64(len(b)-8) {
		return 0, fmt.Errorf("header length %d does not fit the %d-byte file", n, len(b))
	}
	h := b[8 : 8+n]
	key := []byte(`"sha256":"`)
	i := bytes.Index(h, key)
	if i < 0 || bytes.Count(h, key) != 1 || i+len(key)+65 > len(h) || h[i+len(key)+64] != '"' {
		return 0, errors.New("the header has no single \"sha256\" entry of 64 hex digits")
	}
	return 8 + i + len(key), nil
}

// Read loads the checkpoint at path, checking it as the package comment
// says. Tensors come back in file order. Errors are one line naming the
// path (%q); a file that is not a valid checkpoint wraps ErrCorrupt, one
// that cannot be read wraps the safefile or fs error.
func Read(path string) ([]Tensor, map[string]string, error) {
	b, err := safefile.ReadFile(path, safefile.Checkpoint)
	if err != nil {
		return nil, nil, err
	}
	return Decode(b, path)
}

// Decode is Read on the file's bytes b, named name in errors.
func Decode(b []byte, name string) ([]Tensor, map[string]string, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%q: %w: %s", name, ErrCorrupt, fmt.Sprintf(format, args...))
	}
	at, err := sumAt(b)
	if err != nil {
		return nil, nil, bad("%v", err)
	}
	// The hash first: it is the cheapest check of all, and an edited file
	// fails it before its JSON is parsed.
	h := sha256.New() // of b with the sum read as zeros; b is not modified
	h.Write(b[:at])
	h.Write(zeroSum)
	h.Write(b[at+64:])
	if hex.EncodeToString(h.Sum(nil)) != string(b[at:at+64]) {
		return nil, nil, bad("SHA-256 of the file does not match its header (truncated or modified)")
	}
	n := int(binary.LittleEndian.Uint64(b[:8]))
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b[8:8+n], &raw); err != nil {
		return nil, nil, bad("header is not a JSON object: %v", err)
	}
	meta := map[string]string{}
	if m, ok := raw["__metadata__"]; ok {
		if err := json.Unmarshal(m, &meta); err != nil {
			return nil, nil, bad("metadata: %v", err)
		}
		delete(raw, "__metadata__")
	}
	if meta["sha256"] != string(b[at:at+64]) {
		return nil, nil, bad("the \"sha256\" entry is not the header's metadata")
	}
	data := b[8+n:]
	type span struct {
		name   string
		e      entry
		lo, hi int
	}
	spans := make([]span, 0, len(raw))
	for tn, r := range raw {
		var e entry
		if err := json.Unmarshal(r, &e); err != nil {
			return nil, nil, bad("tensor %q: %v", tn, err)
		}
		if e.Dtype != "F32" {
			return nil, nil, bad("tensor %q has dtype %q; only F32 is written", tn, e.Dtype)
		}
		size, ok := shapeSize(e.Shape, uint64(len(data))/4)
		lo, hi := e.DataOffsets[0], e.DataOffsets[1]
		switch {
		case !ok:
			return nil, nil, bad("tensor %q: shape %v holds more values than the %d-byte data section", tn, e.Shape, len(data))
		case lo < 0 || hi < lo || hi > len(data):
			return nil, nil, bad("tensor %q: bytes [%d, %d) outside the %d-byte data section", tn, lo, hi, len(data))
		case hi-lo != 4*size:
			return nil, nil, bad("tensor %q: bytes [%d, %d) for shape %v, which needs %d", tn, lo, hi, e.Shape, 4*size)
		}
		spans = append(spans, span{tn, e, lo, hi})
	}
	slices.SortFunc(spans, func(a, b span) int {
		if a.lo != b.lo {
			return a.lo - b.lo
		}
		return a.hi - b.hi
	})
	end := 0
	for _, s := range spans {
		switch {
		case s.lo < end:
			return nil, nil, bad("tensor %q: bytes [%d, %d) overlap the tensor before it", s.name, s.lo, s.hi)
		case s.lo > end:
			return nil, nil, bad("bytes [%d, %d) of the data section belong to no tensor", end, s.lo)
		}
		end = s.hi
	}
	if end != len(data) {
		return nil, nil, bad("bytes [%d, %d) of the data section belong to no tensor", end, len(data))
	}
	out := make([]Tensor, len(spans))
	for i, s := range spans {
		t := Tensor{Name: s.name, Shape: s.e.Shape, Data: make([]float32, (s.hi-s.lo)/4)}
		for j := range t.Data {
			t.Data[j] = math.Float32frombits(binary.LittleEndian.Uint32(data[s.lo+4*j:]))
		}
		out[i] = t
	}
	return out, meta, nil
}

// shapeSize returns the product of shape if every dimension is ≥ 0 and
// the product is at most limit (checked without overflow).
func shapeSize(shape []int, limit uint64) (int, bool) {
	size := uint64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(size, uint64(d))
		if hi != 0 || lo > limit && d != 0 {
			return 0, false
		}
		size = lo
	}
	if size > limit {
		return 0, false
	}
	return int(size), true
}
