package models

import "rnnbench/internal/tensor"

// The gate forms of the cells (gateForm, mincell.go), one type per gate
// count: gate2Form for minGRU (k_z | k_h), gate3Form for minLSTM and the
// unnormalised minLSTM (k_f | k_i | k_h). Each holds the cell's scalar
// functions of one space (e.g. minGRULogGates and its backward), its
// float32 row kernels (nil: the scalar functions run in float32 too) and
// the space's fold of the learned initial state (logSpace or linSpace).
// They are made once per mixer, by the cell's logForm or linForm.

// gateSpace is the fold of the learned initial state in one space
// (minrnn_state0.go).
type gateSpace[F tensor.Float] interface {
	foldH0(a, b, s float64) float64
	unfoldH0(a, b, db, s float64) (dbNew, daAdd, dsAdd float64)
}

// gate2Form is a two-gate form over E channels.
type gate2Form[F tensor.Float] struct {
	gateSpace[F]
	E    int
	fwd  func(k1, k2 float64) (a, b float64)
	bwd  func(k1, k2, da, db float64) (d1, d2 float64)
	rows *rowKernels
}

func (f gate2Form[F]) pair(k []F, e int) (a, b float64) {
	return f.fwd(float64(k[e]), float64(k[f.E+e]))
}

func (f gate2Form[F]) pairBackward(dk, k []F, e int, da, db float64) {
	d1, d2 := f.bwd(float64(k[e]), float64(k[f.E+e]), da, db)
	dk[e], dk[f.E+e] = F(d1), F(d2)
}

func (f gate2Form[F]) rows32() *rowKernels { return f.rows }

// gate3Form is a three-gate form over E channels.
type gate3Form[F tensor.Float] struct {
	gateSpace[F]
	E    int
	fwd  func(k1, k2, k3 float64) (a, b float64)
	bwd  func(k1, k2, k3, da, db float64) (d1, d2, d3 float64)
	rows *rowKernels
}

func (f gate3Form[F]) pair(k []F, e int) (a, b float64) {
	return f.fwd(float64(k[e]), float64(k[f.E+e]), float64(k[2*f.E+e]))
}

func (f gate3Form[F]) pairBackward(dk, k []F, e int, da, db float64) {
	d1, d2, d3 := f.bwd(float64(k[e]), float64(k[f.E+e]), float64(k[2*f.E+e]), da, db)
	dk[e], dk[f.E+e], dk[2*f.E+e] = F(d1), F(d2), F(d3)
}

func (f gate3Form[F]) rows32() *rowKernels { return f.rows }

// gate3Cell is a three-gate cell over E channels given by its scalar step
// functions and its two forms: minLSTM and the unnormalised minLSTM.
type gate3Cell[F tensor.Float] struct {
	E        int
	step3    func(k1, k2, k3, hPrev float64) float64
	back3    func(k1, k2, k3, hPrev, g float64) (d1, d2, d3, dhPrev float64)
	log, lin gate3Form[F]
	fl       cellFLOPs
}

func (gate3Cell[F]) name() string           { return "minlstm" }
func (gate3Cell[F]) gates() int             { return 3 }
func (c gate3Cell[F]) logForm() gateForm[F] { return c.log }
func (c gate3Cell[F]) linForm() gateForm[F] { return c.lin }
func (c gate3Cell[F]) flops() cellFLOPs     { return c.fl }

func (c gate3Cell[F]) step(k []F, e int, hPrev float64) float64 {
	return c.step3(float64(k[e]), float64(k[c.E+e]), float64(k[2*c.E+e]), hPrev)
}

func (c gate3Cell[F]) stepBackward(dk, k []F, e int, hPrev, g float64) float64 {
	d1, d2, d3, dp := c.back3(float64(k[e]), float64(k[c.E+e]), float64(k[2*c.E+e]), hPrev, g)
	dk[e], dk[c.E+e], dk[2*c.E+e] = F(d1), F(d2), F(d3)
	return dp
}
