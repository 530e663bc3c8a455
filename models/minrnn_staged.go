package models

// Row kernels that run a staged assembly kernel (minrnn_amd64.s: one loop
// per stage over the row, so that the core overlaps the iterations) on the
// multiples of 8 channels and the one-loop kernel with its masked tail on
// the rest. Both compute every lane the same way: the bits do not depend
// on the split.

// stagedFwd3 is a three-gate form's forward row kernel (k: [3E]).
func stagedFwd3(staged, tail func(a, b, k1, k2, k3 *float32, n int)) func(a, b, k []float32) {
	return func(a, b, k []float32) {
		E, n := len(a), len(a)&^7
		if n > 0 {
			staged(&a[0], &b[0], &k[0], &k[E], &k[2*E], n)
		}
		if n < E {
			tail(&a[n], &b[n], &k[n], &k[E+n], &k[2*E+n], E-n)
		}
	}
}

// stagedBwd3 is a three-gate form's backward row kernel (dk, k: [3E]).
func stagedBwd3(staged, tail func(d1, d2, d3, k1, k2, k3, da, db *float32, n int)) func(dk, k, da, db []float32) {
	return func(dk, k, da, db []float32) {
		E, n := len(da), len(da)&^7
		if n > 0 {
			staged(&dk[0], &dk[E], &dk[2*E], &k[0], &k[E], &k[2*E], &da[0], &db[0], n)
		}
		if n < E {
			tail(&dk[n], &dk[E+n], &dk[2*E+n], &k[n], &k[E+n], &k[2*E+n], &da[n], &db[n], E-n)
		}
	}
}
