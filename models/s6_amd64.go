package models

// Float32 AVX2 kernels of the selective scan: one time step of a block of
// channels (s6_amd64.s). The Go loops in s6.go are the reference.

//go:noescape
func s6FwdAVX(h, hp, a, bt, ct, delta, u, dskip, y *float32, ne, n, first int)

//go:noescape
func s6BwdAVX(gc, pa, h, hp, a, bt, ct, pB, pC, delta, u, dy, dskip, dU, dDelta, pD *float32, ne, n, first int)
