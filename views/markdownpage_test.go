package views

import (
	"strings"
	"testing"
)

// MarkdownPage renders headings and tables as HTML (not a <pre> dump) and
// shows each figure under its heading, escaped.
func TestMarkdownPage(t *testing.T) {
	var b strings.Builder
	md := "# Claims\n\n| # | verdict |\n|--:|:--|\n| 1 | holds <partly> |\n"
	if err := MarkdownPage(&b, "bench claims", md, []PageFigure{{"1. speed", "sweep/sweep_train.png"}}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"<title>bench claims</title>", "<h1>Claims</h1>", "<table>", "holds &lt;partly&gt;", "<h3>1. speed</h3>", `src="sweep/sweep_train.png"`, "</html>"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
}
