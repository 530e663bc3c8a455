package optim

import (
	"math"
	"testing"
)

func TestClipGradNorm(t *testing.T) {
	g := []float64{3, 4}
	if n := ClipGradNorm(g, 10); n != 5 || g[0] != 3 || g[1] != 4 {
		t.Fatalf("below max: norm %v g %v", n, g)
	}
	if n := ClipGradNorm(g, 0); n != 5 || g[0] != 3 {
		t.Fatalf("disabled: norm %v g %v", n, g)
	}
	n := ClipGradNorm(g, 1)
	c := 1 / (5 + 1e-6)
	if n != 5 || math.Abs(g[0]-3*c) > 1e-15 || math.Abs(g[1]-4*c) > 1e-15 {
		t.Fatalf("clipped: norm %v g %v", n, g)
	}
	if after := ClipGradNorm(g, 0); math.Abs(after-1) > 1e-6 {
		t.Fatalf("norm after clipping %v, want ≈1", after)
	}
	f := []float32{1, 2, 2, 0}
	if n := ClipGradNorm(f, 1.5); n != 3 || math.Abs(float64(f[1])-1) > 1e-6 {
		t.Fatalf("float32: norm %v g %v", n, f)
	}
	bad := []float64{math.Inf(1), 1}
	if n := ClipGradNorm(bad, 1); !math.IsInf(n, 1) || bad[1] != 1 {
		t.Fatalf("non-finite: norm %v g %v", n, bad)
	}
}
