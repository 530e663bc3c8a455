//go:build !amd64

package models

// haveAVX2 is false off amd64: the minRNN kernels use their Go versions.
var haveAVX2 = false

func mingruLogFwdAVX(la, lb, kz, kh *float32, n int)                       { panic("no AVX2") }
func mingruLogBwdAVX(dkz, dkh, kz, kh, dla, dlb *float32, n int)           { panic("no AVX2") }
func minlstmLogFwdAVX(la, lb, kf, ki, kh *float32, n int)                  { panic("no AVX2") }
func minlstmLogBwdAVX(dkf, dki, dkh, kf, ki, kh, dla, dlb *float32, n int) { panic("no AVX2") }
func mingruLinFwdAVX(a, b, kz, kh *float32, n int)                         { panic("no AVX2") }
func mingruLinBwdAVX(dkz, dkh, kz, kh, da, db *float32, n int)             { panic("no AVX2") }
func minlstmLinFwdAVX(a, b, kf, ki, kh *float32, n int)                    { panic("no AVX2") }
func minlstmLinBwdAVX(dkf, dki, dkh, kf, ki, kh, da, db *float32, n int)   { panic("no AVX2") }
func logScanFwdAVX(logh, h, la, lb *float32, T, stride, w int)             { panic("no AVX2") }
func logScanBwdAVX(dla, dlb, dh, la, lb, logh, h *float32, T, stride, w int) {
	panic("no AVX2")
}

func s6FwdAVX(h, hp, a, bt, ct, delta, u, dskip, y *float32, ne, n, first int) { panic("no AVX2") }
func s6BwdAVX(gc, pa, h, hp, a, bt, ct, pB, pC, delta, u, dy, dskip, dU, dDelta, pD *float32, ne, n, first int) {
	panic("no AVX2")
}

func linScanFwdAVX(h, a, b *float32, T, stride, w int)          { panic("no AVX2") }
func linScanBwdAVX(da, db, dh, a, h *float32, T, stride, w int) { panic("no AVX2") }

func minlstmLogFwdStagedAVX(la, lb, kf, ki, kh *float32, n int)                  { panic("no AVX2") }
func minlstmLogBwdStagedAVX(dkf, dki, dkh, kf, ki, kh, dla, dlb *float32, n int) { panic("no AVX2") }
func minlstmLinFwdStagedAVX(a, b, kf, ki, kh *float32, n int)                    { panic("no AVX2") }
func minlstmLinBwdStagedAVX(dkf, dki, dkh, kf, ki, kh, da, db *float32, n int)   { panic("no AVX2") }

func streamCopy32(dst, src *float32, n int) { panic("no AVX2") }
