package models

import "rnnbench/internal/tensor"

// residGrain is the number of elements per tensor.For chunk of the
// backbone's elementwise passes (64 KiB of float32).
const residGrain = 16384

// resid runs the backbone's elementwise passes over the residual stream
// and its gradient (x: [B, T, D] each): residual adds, copies and clears,
// on tensor.For's pool when the pass is long enough to split. At the table
// configuration (B = 16, T = 1024, D = 64) each is a 4 MiB pass, about
// half a millisecond on one core: run serially, five of them per step cap
// the 1 → 2 core speed-up (Amdahl). Each element is written by one
// chunk and computed as the serial loop computes it, so results are
// bit-identical for any GOMAXPROCS. The pool body is bound once (bind),
// so a pass allocates nothing. The minimal RNNs use one for their copy
// y = h when E == D (minrnn.go), another 4 MiB pass at the table
// configuration.
type resid[F tensor.Float] struct {
	op        int // residAdd, residCopy, residClear
	dst, a, b []F
	body      func(lo, hi int)
}

const (
	residAdd = iota
	residCopy
	residClear
)

// bind makes the pool body; call it once before the first pass.
func (r *resid[F]) bind() { r.body = r.run }

func (r *resid[F]) run(lo, hi int) {
	d := r.dst[lo:hi]
	switch r.op {
	case residAdd:
		a, b := r.a[lo:hi], r.b[lo:hi]
		for i := range d {
			d[i] = a[i] + b[i]
		}
	case residCopy:
		copy(d, r.a[lo:hi])
	case residClear:
		clear(d)
	}
}

func (r *resid[F]) do(op int, dst, a, b []F) {
	r.op, r.dst, r.a, r.b = op, dst, a, b
	if r.body != nil && tensor.Splits(len(dst), residGrain) {
		tensor.For(len(dst), residGrain, r.body)
	} else {
		r.run(0, len(dst))
	}
	r.dst, r.a, r.b = nil, nil, nil
}

// add sets dst = a + b elementwise (len(a), len(b) ≥ len(dst)).
func (r *resid[F]) add(dst, a, b []F) { r.do(residAdd, dst, a, b) }

// copy sets dst = src (len(src) ≥ len(dst)).
func (r *resid[F]) copy(dst, src []F) { r.do(residCopy, dst, src, nil) }

// clear zeroes dst.
func (r *resid[F]) clear(dst []F) { r.do(residClear, dst, nil, nil) }
