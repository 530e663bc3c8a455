package models

import (
	"math"
	"runtime"
	"testing"
)

// The blocked attention (T above attnBlockMinT: P in panels, dv and dk
// summed over blocks of rows) gives the same float32 bits at GOMAXPROCS 1
// and 2, and stays within float32 rounding of the float64 computation
// in one block (the plain [T, T] layout and one column sum each).
func TestAttentionBlockedDeterministic(t *testing.T) {
	c := Config{Mixer: "transformer", D: 16, Expansion: 1, H: 2}
	const B, T = 3, 700 // 11 blocks of attnBlock = 64 rows, the last one short
	saved := attnBlockMinT
	attnBlockMinT = 0
	defer func() { attnBlockMinT = saved }()
	run := func(procs int) (y, dx, g []float32) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return seededStep[float32](t, c, B, T)
	}
	y1, dx1, g1 := run(1)
	y2, dx2, g2 := run(2)
	attnBlockMinT = 1 << 30
	y64, dx64, g64 := seededStep[float64](t, c, B, T)
	for _, p := range []struct {
		what     string
		one, two []float32
		want     []float64
	}{{"y", y1, y2, y64}, {"dx", dx1, dx2, dx64}, {"grads", g1, g2, g64}} {
		var scale float64
		for _, v := range p.want {
			scale = max(scale, math.Abs(v))
		}
		for i := range p.one {
			if math.Float32bits(p.one[i]) != math.Float32bits(p.two[i]) {
				t.Fatalf("%s[%d]: %v at GOMAXPROCS 1, %v at 2", p.what, i, p.one[i], p.two[i])
			}
			if d := math.Abs(float64(p.one[i]) - p.want[i]); d > 1e-4*scale {
				t.Fatalf("%s[%d]: float32 blocked %v, float64 one block %v (largest |value| %v)", p.what, i, p.one[i], p.want[i], scale)
			}
		}
	}
}

// The panels of P (attnPanel) of every block lie inside the pair's T²
// elements, one after the other without overlap, each row wide enough for
// its block's causal columns.
func TestAttnPanels(t *testing.T) {
	for _, tc := range []struct{ T, blk int }{{513, 128}, {700, 128}, {1024, 128}, {4096, 128}, {300, 128}, {160, 128}, {513, 64}, {700, 64}, {1024, 64}, {4096, 64}, {96, 64}} {
		p := make([]float32, tc.T*tc.T)
		end := 0
		for r0 := 0; r0 < tc.T; r0 += tc.blk {
			r1 := min(tc.T, r0+tc.blk)
			pb, ld := attnPanel(p, tc.T, tc.blk, r0)
			off := cap(p) - cap(pb)
			if off != end || ld < r1 || len(pb) != (r1-r0)*ld || ld%1024 == 0 {
				t.Fatalf("T=%d blk=%d r0=%d: panel at %d (previous ends at %d), stride %d, %d elements", tc.T, tc.blk, r0, off, end, ld, len(pb))
			}
			end = off + len(pb)
		}
		if end > tc.T*tc.T {
			t.Fatalf("T=%d blk=%d: panels end at %d > T² = %d", tc.T, tc.blk, end, tc.T*tc.T)
		}
	}
}
