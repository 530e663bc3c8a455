package paper

import "testing"

// The figures the README and ANCHORS.md quote must be the ones in the file.
func TestFigures(t *testing.T) {
	speed := Find("speed", "train-step-speedup")
	if len(speed) != 4 || speed[0].Value != 175 || speed[0].T != 512 || speed[2].Value != 1324 || speed[2].T != 4096 {
		t.Fatalf("speed figures: %+v", speed)
	}
	copyAcc := Find("selective-copy", "accuracy")
	var found bool
	for _, f := range copyAcc {
		if f.Model == "mingru" && f.Layers == 3 {
			found = f.Value == 99.5 && f.Std == 0.2
		}
	}
	if !found {
		t.Fatalf("minGRU 3 layers 99.5 ± 0.2 missing: %+v", copyAcc)
	}
	lm := Find("char-lm", "test-loss")
	if len(lm) != 4 || lm[3].Model != "transformer" || lm[3].Value != 1.547 {
		t.Fatalf("char-lm figures: %+v", lm)
	}
	for _, f := range All().Figures {
		if f.Source == "" || f.Unit == "" || f.Value <= 0 {
			t.Errorf("figure without source, unit or value: %+v", f)
		}
	}
}
