package reports

import (
	"fmt"
	"math"
)

// benchDiff says where the configuration and results got first differ
// from want, or "" where they are the same: keys and values, names,
// iterations, units, and metric values bit for bit (any two NaNs are
// equal: the text form keeps no NaN payload).
func benchDiff(gotCfg, wantCfg []Config, got, want []Result) string {
	if len(gotCfg) != len(wantCfg) || len(got) != len(want) {
		return fmt.Sprintf("%d config lines and %d results, want %d and %d", len(gotCfg), len(got), len(wantCfg), len(want))
	}
	for i := range gotCfg {
		if gotCfg[i] != wantCfg[i] {
			return fmt.Sprintf("config %d = %+v, want %+v", i, gotCfg[i], wantCfg[i])
		}
	}
	for i, w := range want {
		g := got[i]
		if g.Name != w.Name || g.Iters != w.Iters || len(g.Metrics) != len(w.Metrics) {
			return fmt.Sprintf("result %d = %+v, want %+v", i, g, w)
		}
		for j, m := range w.Metrics {
			gm := g.Metrics[j]
			if gm.Unit != m.Unit || math.Float64bits(gm.Value) != math.Float64bits(m.Value) && !(math.IsNaN(gm.Value) && math.IsNaN(m.Value)) {
				return fmt.Sprintf("result %d metric %d = %v %s, want %v %s (bit-exact)", i, j, gm.Value, gm.Unit, m.Value, m.Unit)
			}
		}
	}
	return ""
}
