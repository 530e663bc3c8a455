package reports

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// ErrShape reports rows whose length differs from the header's, or
// slices of mismatched length.
var ErrShape = errors.New("reports: shape mismatch")

// Markdown writes a GitHub-flavoured Markdown table (header row, separator,
// rows) to w through tablewriter v1's Markdown renderer. Cells are strings;
// numbers are formatted by the caller. A column is right-aligned when its
// header starts with a digit or when every non-blank cell is a number
// (an optional leading sign and trailing "%" are allowed; "", "-", "—" and
// "n/a" count as blank); other columns are left-aligned. Cell text is kept
// as given except that "|" is escaped and newlines become spaces.
// It returns an error wrapping ErrShape if header is empty or a row does
// not have len(header) cells, and any error from w.
func Markdown(w io.Writer, header []string, rows [][]string) error {
	if len(header) == 0 {
		return fmt.Errorf("%w: empty header", ErrShape)
	}
	for i, r := range rows {
		if len(r) != len(header) {
			return fmt.Errorf("%w: row %d has %d cells, header has %d", ErrShape, i, len(r), len(header))
		}
	}
	align := make([]tw.Align, len(header))
	for c := range header {
		align[c] = tw.AlignLeft
		if rightAligned(header[c], rows, c) {
			align[c] = tw.AlignRight
		}
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewMarkdown()),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
	)
	t.Header(escapeCells(header))
	for _, r := range rows {
		if err := t.Append(escapeCells(r)); err != nil {
			return err
		}
	}
	return t.Render()
}

// escapeCells returns a copy of cells safe inside a Markdown table row.
func escapeCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, s := range cells {
		s = strings.ReplaceAll(s, "|", `\|`)
		s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
		out[i] = s
	}
	return out
}

// rightAligned reports whether column c should be right-aligned.
func rightAligned(header string, rows [][]string, c int) bool {
	if r, _ := firstRune(header); unicode.IsDigit(r) {
		return true
	}
	numbers := 0
	for _, row := range rows {
		s := strings.TrimSpace(row[c])
		switch s {
		case "", "-", "—", "n/a":
			continue
		}
		if !IsNumber(s) {
			return false
		}
		numbers++
	}
	return numbers > 0
}

func firstRune(s string) (rune, bool) {
	for _, r := range s {
		return r, true
	}
	return 0, false
}

// IsNumber reports whether s is a float, optionally followed by "%".
func IsNumber(s string) bool {
	s = strings.TrimSuffix(s, "%")
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
