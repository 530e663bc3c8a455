package reports

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// WriteCompareMarkdown writes rows as a Markdown table with columns
// benchmark | unit | baseline | new | change | verdict, followed by a blank
// line and a one-line summary such as "2 regressed, 1 improved, 40 ok"
// (", N warn", ", N new" and ", N missing" are appended when non-zero).
// Values use 4 significant digits, or all digits when that would make
// differing values look equal; absent values and changes print as "—".
// It returns w's error.
func WriteCompareMarkdown(w io.Writer, rows []Row) error {
	counts := make(map[string]int)
	cells := make([][]string, len(rows))
	for i, r := range rows {
		counts[r.Verdict]++
		b, n := formatPair(r.Base, r.New)
		change := "—"
		if !math.IsNaN(r.ChangePct) {
			change = fmt.Sprintf("%+.3g%%", r.ChangePct)
		}
		switch r.Verdict {
		case "new":
			b, change = "—", "—"
		case "missing":
			n, change = "—", "—"
		}
		cells[i] = []string{r.Name, r.Unit, b, n, change, r.Verdict}
	}
	header := []string{"benchmark", "unit", "baseline", "new", "change", "verdict"}
	if err := Markdown(w, header, cells); err != nil {
		return err
	}
	summary := fmt.Sprintf("%d regressed, %d improved, %d ok", counts["REGRESSED"], counts["improved"], counts["ok"])
	for _, v := range []string{"warn", "new", "missing"} {
		if counts[v] > 0 {
			summary += fmt.Sprintf(", %d %s", counts[v], v)
		}
	}
	_, err := io.WriteString(w, "\n"+summary+"\n")
	return err
}

// formatPair formats a and b with 4 significant digits, or with all
// digits if they differ but would print the same.
func formatPair(a, b float64) (string, string) {
	fa, fb := formatValue(a, 4), formatValue(b, 4)
	if fa == fb && a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
		return formatValue(a, -1), formatValue(b, -1)
	}
	return fa, fb
}

func formatValue(v float64, digits int) string {
	s := strconv.FormatFloat(v, 'g', digits, 64)
	if digits > 0 && strings.Contains(s, "e") {
		// Integers up to 6 digits read better in full: 123456, not 1.235e+05.
		if v == math.Trunc(v) && math.Abs(v) < 1e6 {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return s
}
