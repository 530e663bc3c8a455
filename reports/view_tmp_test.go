package reports

import "testing"

func TestViewTmp(t *testing.T) {
	three := append(scalingPanels(), Panel{Title: "narrow log range", XLabel: "x", YLabel: "loss", LogY: true,
		Series: []Series{{Name: "s", X: []float64{1, 2, 3}, Y: []float64{0.5, 0.6, 0.7}}}},
		Panel{Title: "very narrow", LogY: true, LogX: true,
		Series: []Series{{Name: "s", X: []float64{1010, 1020, 1090}, Y: []float64{1010, 1050, 1090}}}})
	if err := SavePNG("/tmp/view2.png", 2, scalingPanels()...); err != nil { t.Fatal(err) }
	if err := SavePNG("/tmp/view4.png", 2, three...); err != nil { t.Fatal(err) }
}
