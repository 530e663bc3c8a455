// Package checkpoint reads and writes training checkpoints in the
// safetensors format (huggingface/safetensors: an 8-byte little-endian
// header length, a JSON header naming each tensor's dtype, shape and byte
// range, then the raw little-endian data), with a SHA-256 of the data
// section in the header's __metadata__ so that a corrupted or truncated
// file is refused rather than loaded.
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
	"os"
	"sort"

	"rnnbench/internal/atomicfile"
)

// ErrCorrupt is returned (wrapped) for a checkpoint that is truncated,
// malformed or whose checksum does not match.
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

// Write stores tensors and meta at path atomically: a temp file beside
// path, synced, mode 0644, renamed over path.
// meta may not use the key "sha256", which Write sets.
func Write(path string, tensors []Tensor, meta map[string]string) error {
	var data bytes.Buffer
	header := map[string]any{}
	for _, t := range tensors {
		n := 1
		for _, d := range t.Shape {
			n *= d
		}
		if n != len(t.Data) {
			return fmt.Errorf("checkpoint: tensor %s has %d values for shape %v", t.Name, len(t.Data), t.Shape)
		}
		begin := data.Len()
		buf := make([]byte, 4*len(t.Data))
		for i, v := range t.Data {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		data.Write(buf)
		header[t.Name] = entry{Dtype: "F32", Shape: t.Shape, DataOffsets: [2]int{begin, data.Len()}}
	}
	sum := sha256.Sum256(data.Bytes())
	md := map[string]string{}
	for k, v := range meta {
		md[k] = v
	}
	md["sha256"] = hex.EncodeToString(sum[:])
	header["__metadata__"] = md
	hj, err := json.Marshal(header)
	if err != nil {
		return err
	}
	for len(hj)%8 != 0 {
		hj = append(hj, ' ')
	}
	var out bytes.Buffer
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(hj)))
	out.Write(lenBuf[:])
	out.Write(hj)
	out.Write(data.Bytes())
	return atomicfile.WriteFile(path, out.Bytes())
}

// Read loads a checkpoint written by Write, verifying its structure and
// checksum. Tensors come back sorted by data offset.
func Read(path string) ([]Tensor, map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %w: %s", path, ErrCorrupt, fmt.Sprintf(format, args...))
	}
	if len(b) < 8 {
		return nil, nil, bad("%d bytes, shorter than the 8-byte header length", len(b))
	}
	n := binary.LittleEndian.Uint64(b[:8])
	if n > maxHeader || n > uint64(len(b)-8) {
		return nil, nil, bad("header length %d does not fit the %d-byte file", n, len(b))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b[8:8+n], &raw); err != nil {
		return nil, nil, bad("header is not JSON: %v", err)
	}
	data := b[8+n:]
	meta := map[string]string{}
	if m, ok := raw["__metadata__"]; ok {
		if err := json.Unmarshal(m, &meta); err != nil {
			return nil, nil, bad("metadata: %v", err)
		}
		delete(raw, "__metadata__")
	}
	sum := sha256.Sum256(data)
	if meta["sha256"] != hex.EncodeToString(sum[:]) {
		return nil, nil, bad("SHA-256 of the data does not match the header (truncated or modified)")
	}
	var out []Tensor
	for name, r := range raw {
		var e entry
		if err := json.Unmarshal(r, &e); err != nil {
			return nil, nil, bad("tensor %s: %v", name, err)
		}
		size := 1
		for _, d := range e.Shape {
			if d < 0 || d > math.MaxInt32 {
				return nil, nil, bad("tensor %s: shape %v", name, e.Shape)
			}
			size *= d
		}
		lo, hi := e.DataOffsets[0], e.DataOffsets[1]
		if e.Dtype != "F32" || lo < 0 || hi > len(data) || hi-lo != 4*size || lo > hi {
			return nil, nil, bad("tensor %s: dtype %s, shape %v, bytes [%d, %d) of %d", name, e.Dtype, e.Shape, lo, hi, len(data))
		}
		t := Tensor{Name: name, Shape: e.Shape, Data: make([]float32, size)}
		for i := range t.Data {
			t.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[lo+4*i:]))
		}
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		return entryOffset(raw, out[i].Name) < entryOffset(raw, out[j].Name)
	})
	return out, meta, nil
}

func entryOffset(raw map[string]json.RawMessage, name string) int {
	var e entry
	json.Unmarshal(raw[name], &e)
	return e.DataOffsets[0]
}
