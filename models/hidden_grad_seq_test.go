package models

import "testing"

// colSums adds column sums of a strided block: whole blocks of 16 by the
// vector kernel, the rest row by row; small integers make every sum exact.
func TestColSums(t *testing.T) {
	const M, ld, n = 5, 23, 20 // one block of 16 and a tail of 4
	x := make([]float32, (M-1)*ld+n)
	for i := range x {
		x[i] = float32(i%7) - 3
	}
	dst := make([]float32, n)
	for j := range dst {
		dst[j] = float32(j)
	}
	colSums(dst, x, M, ld)
	for j := range n {
		want := float32(j)
		for i := range M {
			want += x[i*ld+j]
		}
		if dst[j] != want {
			t.Errorf("column %d: %v, want %v", j, dst[j], want)
		}
	}
}
