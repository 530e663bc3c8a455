package models

import (
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// TestStoreRow checks storeRow, row by row, against element-by-element copies for
// float32 (the non-temporal kernel on amd64, the first row of dst from 0 to
// 7 elements past a 32-byte boundary, and lengths around its 8- and
// 32-element steps) and float64, and that it leaves the stride's other
// elements alone.
func TestStoreRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for off := range 8 {
		for _, cols := range []int{1, 7, 8, 9, 31, 32, 33, 71, 200} {
			rows, ld := 5, cols+3
			src := make([]float32, off+rows*ld)
			for i := range src {
				src[i] = rng.Float32()
			}
			dst := make([]float32, 8+off+rows*ld)
			dst = dst[(8-int(uintptr(unsafe.Pointer(&dst[0]))%32/4))%8:] // dst[0] on a 32-byte boundary
			for i := range dst {
				dst[i] = -1
			}
			for i := 0; i < rows; i++ {
				storeRow(dst[off+i*ld:off+i*ld+cols], src[off+i*ld:off+i*ld+cols])
			}
			for i := 0; i < rows*ld; i++ {
				want := float32(-1)
				if i%ld < cols {
					want = src[off+i]
				}
				if dst[off+i] != want {
					t.Fatalf("float32 off %d cols %d: element %d = %v, want %v", off, cols, i, dst[off+i], want)
				}
			}
		}
	}
	src, dst := []float64{1, 2, 3, 4, 5, 6}, []float64{0, 0, 0, 0, 0, 0}
	storeRow(dst[0:2], src[0:2])
	storeRow(dst[3:5], src[3:5])
	if want := []float64{1, 2, 0, 4, 5, 0}; !slices.Equal(dst, want) {
		t.Fatalf("float64: %v, want %v", dst, want)
	}
}
