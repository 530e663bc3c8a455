package models

import (
	"os"

	"golang.org/x/sys/cpu"
)

// haveAVX2 reports whether the float32 kernels of minrnn_amd64.s and
// s6_amd64.s run: AVX2 and FMA, and RNNBENCH_NOASM unset (as in
// internal/tensor). Tests turn it off to check the portable Go versions.
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA && os.Getenv("RNNBENCH_NOASM") == ""

// Row kernels over n channels (any n; the tail is masked). See
// minrnn_amd64.s for each formula; they follow minGRULogGates etc.

//go:noescape
func mingruLogFwdAVX(la, lb, kz, kh *float32, n int)

//go:noescape
func mingruLogBwdAVX(dkz, dkh, kz, kh, dla, dlb *float32, n int)

//go:noescape
func minlstmLogFwdAVX(la, lb, kf, ki, kh *float32, n int)

//go:noescape
func minlstmLogBwdAVX(dkf, dki, dkh, kf, ki, kh, dla, dlb *float32, n int)

//go:noescape
func mingruLinFwdAVX(a, b, kz, kh *float32, n int)

//go:noescape
func mingruLinBwdAVX(dkz, dkh, kz, kh, da, db *float32, n int)

//go:noescape
func minlstmLinFwdAVX(a, b, kf, ki, kh *float32, n int)

//go:noescape
func minlstmLinBwdAVX(dkf, dki, dkh, kf, ki, kh, da, db *float32, n int)

// Scan kernels over T steps of w ≤ 8 channels, rows stride bytes apart.

//go:noescape
func logScanFwdAVX(logh, h, la, lb *float32, T, stride, w int)

//go:noescape
func logScanBwdAVX(dla, dlb, dh, la, lb, logh, h *float32, T, stride, w int)

//go:noescape
func linScanFwdAVX(h, a, b *float32, T, stride, w int)

//go:noescape
func linScanBwdAVX(da, db, dh, a, h *float32, T, stride, w int)

// Staged row kernels (same values as the kernels above, bit for bit, in
// one loop per stage so that iterations overlap); n a positive multiple
// of 8.

//go:noescape
func minlstmLogFwdStagedAVX(la, lb, kf, ki, kh *float32, n int)

//go:noescape
func minlstmLogBwdStagedAVX(dkf, dki, dkh, kf, ki, kh, dla, dlb *float32, n int)

//go:noescape
func minlstmLinFwdStagedAVX(a, b, kf, ki, kh *float32, n int)

//go:noescape
func minlstmLinBwdStagedAVX(dkf, dki, dkh, kf, ki, kh, da, db *float32, n int)
