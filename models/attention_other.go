//go:build !amd64

package models

// haveStream is false off amd64: storeRow uses copy.
var haveStream = false

func streamCopy32(dst, src *float32, n int) { panic("no AVX") }
