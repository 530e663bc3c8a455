package models_test

import (
	"fmt"
	"testing"
)

// BenchmarkTrainStepTable times the minimal RNNs' training step at the
// PyTorch table's points of issue 17 (B = 16, D = E = 64, V = 16, one
// block; docs/speed.md, Round 2): minGRU and minLSTM in the parallel
// (log-space) and linear modes at T = 1024 and 4096.
func BenchmarkTrainStepTable(b *testing.B) {
	for _, mixer := range []string{"mingru", "minlstm"} {
		for _, mode := range []string{"parallel", "linear"} {
			for _, T := range []int{1024, 4096} {
				b.Run(fmt.Sprintf("%s/%s/T=%d", mixer, mode, T), func(b *testing.B) {
					benchStep(b, benchConfig(mixer, mode, 64), benchB, T)
				})
			}
		}
	}
}
