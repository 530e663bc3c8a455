package claims

import (
	"fmt"
	"io"
	"strings"

	"rnnbench/reports"
)

// ReportFile is the claims report's file name in the claims folder.
const ReportFile = "claims.md"

// WriteReport writes claims.md: a summary table, then one section per
// claim with the paper's figure and source, the measured figure, the
// verdict, the rule's sentence, the figures behind it and its plot.
// machine is the line naming where it ran.
func WriteReport(w io.Writer, p Preset, machine string, fs []Finding) error {
	fmt.Fprintf(w, "# The paper's claims, checked\n\nPreset %s (%s). Machine: %s. Verdicts follow the rules in README \"Verdict rules\" (claims/verdict.go).\n\n", p.Name, p.Note, machine)
	var rows [][]string
	for _, f := range fs {
		rows = append(rows, []string{fmt.Sprint(f.N), f.Title, f.Paper, f.Measured, string(f.Verdict)})
	}
	if err := reports.Markdown(w, []string{"#", "claim", "paper", "measured", "verdict"}, rows); err != nil {
		return err
	}
	for _, f := range fs {
		fmt.Fprintf(w, "\n## %d. %s\n\n", f.N, f.Title)
		fmt.Fprintf(w, "- Paper: %s (source: %s)\n- Measured: %s\n- Verdict: **%s**: %s\n", f.Paper, f.Source, f.Measured, f.Verdict, f.Why)
		if len(f.Table) > 1 {
			fmt.Fprintln(w)
			if err := reports.Markdown(w, f.Table[0], f.Table[1:]); err != nil {
				return err
			}
		}
		if f.Figure != "" && f.Verdict != NotYet {
			fmt.Fprintf(w, "\n![%s](%s)\n", strings.ReplaceAll(f.Title, "]", ""), f.Figure)
		}
	}
	fmt.Fprintf(w, "\nExperiments (each an ordinary bench folder here):\n\n")
	for _, e := range p.Experiments {
		fmt.Fprintf(w, "- `%s` (claims %s): `bench run %s`\n", e.Name, ints(e.Claims), strings.Join(e.Args, " "))
	}
	return nil
}

func ints(xs []int) string {
	var s []string
	for _, x := range xs {
		s = append(s, fmt.Sprint(x))
	}
	return strings.Join(s, ", ")
}
