package views

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"rnnbench/harness"
	"rnnbench/reports"
)

// IndexFile is the one page of a results folder (WriteIndex).
const IndexFile = "index.html"

// WriteIndex writes dir/index.html: one self-contained page (no script, no
// external style, font or image) holding the whole result of rec: the
// machine line, every figure as inline SVG with links to its PNG, SVG and
// PDF files, every table of results.md, the configuration (the record's
// settings as JSON) and a link to every file in dir. It is written
// atomically after the other views, so that its file list is complete and
// its figures are the SVG files they wrote (SweepPlots, LossPlot), read
// back rather than drawn again. Errors are those of reading a figure or
// of writing.
func WriteIndex(dir string, rec *harness.Record) error {
	var b bytes.Buffer
	if err := Index(&b, dir, rec); err != nil {
		return err
	}
	if err := harness.WriteFileAtomic(filepath.Join(dir, IndexFile), b.Bytes()); err != nil {
		return fmt.Errorf("reports: writing %s: %w", filepath.Join(dir, IndexFile), err)
	}
	return nil
}

// Index writes the page of WriteIndex to w. dir is the results folder:
// each figure is its SVG file there, and its files are listed for the
// links. With dir "", Index draws the figures itself and lists no files.
func Index(w io.Writer, dir string, rec *harness.Record) error {
	var md bytes.Buffer
	var figs []NamedFigure
	title := "rnnbench " + rec.Task
	if rec.Sweep != nil {
		title = "rnnbench sequence-length sweep"
		if err := SweepMarkdown(&md, rec); err != nil {
			return err
		}
		figs = SweepFigures(rec)
	} else {
		if err := RunMarkdown(&md, rec); err != nil {
			return err
		}
		figs = RunFigures(rec)
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, indexHead, html.EscapeString(title))
	fmt.Fprintf(bw, "<h1>%s</h1>\n<p class=\"machine\">%s</p>\n", html.EscapeString(title), html.EscapeString(MachineLine(rec.Machine)))
	if len(figs) > 0 {
		bw.WriteString("<h2>Figures</h2>\n")
	}
	for _, f := range figs {
		base := strings.TrimSuffix(f.File, filepath.Ext(f.File))
		svg, err := figureSVG(dir, base, f.Figure)
		if err != nil {
			return fmt.Errorf("reports: index figure %s: %w", f.File, err)
		}
		caption := f.Title
		if caption == "" { // a figure drawn without a title (a grid run's loss figure)
			caption = base
		}
		fmt.Fprintf(bw, "<figure id=\"%s\">\n%s\n<figcaption>%s — ", html.EscapeString(base), inlineSVG(string(svg)), html.EscapeString(caption))
		for i, ext := range reports.FigureFormats {
			if i > 0 {
				bw.WriteString(" · ")
			}
			fmt.Fprintf(bw, "<a href=\"%s\">%s</a>", html.EscapeString(base+ext), strings.ToUpper(ext[1:]))
		}
		bw.WriteString("</figcaption>\n</figure>\n")
	}
	bw.WriteString("<h2>Results</h2>\n")
	// The page has its own title and machine line: drop those of results.md.
	body := strings.Replace(md.String(), MachineLine(rec.Machine)+"\n", "", 1)
	if strings.HasPrefix(body, "# ") {
		_, body, _ = strings.Cut(body, "\n")
	}
	markdownHTML(bw, body, 1)
	bw.WriteString("<h2>Configuration</h2>\n<pre>")
	cfg := map[string]any{"task": rec.Task, "started": rec.Started, "train": rec.Train}
	if rec.TaskCfg != nil {
		cfg["task_config"] = rec.TaskCfg
	}
	if rec.Sweep != nil {
		cfg["sweep"] = rec.Sweep
	}
	if len(rec.Planned) > 0 {
		cfg["planned"] = rec.Planned
	}
	j, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	bw.WriteString(textEscaper.Replace(string(j)))
	bw.WriteString("</pre>\n")
	if files := folderFiles(dir); len(files) > 0 {
		bw.WriteString("<h2>Files</h2>\n<ul class=\"files\">\n")
		for _, f := range files {
			fmt.Fprintf(bw, "<li><a href=\"%s\">%s</a></li>\n", html.EscapeString(f), html.EscapeString(f))
		}
		bw.WriteString("</ul>\n")
	}
	bw.WriteString("</body>\n</html>\n")
	return bw.Flush()
}

const indexHead = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 90em; padding: 0 1em; color: #111; background: #fff; }
.machine { color: #444; }
figure { margin: 1.5em 0; }
figure svg { max-width: 100%%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: 0.9em; color: #444; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; }
</style>
</head>
<body>
`

// figureSVG is the SVG of figure fig saved as base.* in dir: the file
// dir/base.svg as SaveFigure wrote it, or with dir "" fig drawn as SVG.
func figureSVG(dir, base string, fig reports.Figure) ([]byte, error) {
	if dir != "" {
		return os.ReadFile(filepath.Join(dir, base+".svg"))
	}
	var svg bytes.Buffer
	err := reports.RenderFigure(&svg, ".svg", fig)
	return svg.Bytes(), err
}

// textEscaper escapes text content (not attributes) for HTML.
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// inlineSVG strips the XML declaration and comments vgsvg puts before
// the <svg> element, so that it can sit inside HTML.
func inlineSVG(s string) string {
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	return strings.TrimSpace(s)
}

// folderFiles lists the files and folders of dir for the page's links,
// sorted, without hidden and temporary files and without index.html
// itself; a folder gets a trailing slash.
func folderFiles(dir string) []string {
	if dir == "" {
		return nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if strings.HasPrefix(n, ".") || n == IndexFile {
			continue
		}
		if e.IsDir() {
			n += "/"
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// markdownHTML converts the Markdown that rnnbench's reports write (ATX
// headings, paragraphs, pipe tables, "- " lists and ``` blocks, no inline
// markup beyond `code`) to HTML, shifting headings down by shift levels.
func markdownHTML(w *bufio.Writer, md string, shift int) {
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.TrimSpace(l) == "":
		case strings.HasPrefix(l, "```"):
			w.WriteString("<pre>")
			for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
				w.WriteString(html.EscapeString(lines[i]) + "\n")
			}
			w.WriteString("</pre>\n")
		case strings.HasPrefix(l, "#"):
			level := len(l) - len(strings.TrimLeft(l, "#"))
			h := min(level+shift, 6)
			fmt.Fprintf(w, "<h%d>%s</h%d>\n", h, inlineMD(strings.TrimSpace(l[level:])), h)
		case strings.HasPrefix(l, "|"):
			var rows [][]string
			for ; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
				rows = append(rows, tableCells(lines[i]))
			}
			i--
			writeHTMLTable(w, rows)
		case strings.HasPrefix(l, "- "):
			w.WriteString("<ul>\n")
			for ; i < len(lines) && strings.HasPrefix(lines[i], "- "); i++ {
				fmt.Fprintf(w, "<li>%s</li>\n", inlineMD(lines[i][2:]))
			}
			i--
			w.WriteString("</ul>\n")
		default:
			fmt.Fprintf(w, "<p>%s</p>\n", inlineMD(l))
		}
	}
}

// tableCells splits a Markdown table row into its cells, unescaping "\|".
func tableCells(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	line = strings.ReplaceAll(line, `\|`, "\x00")
	cells := strings.Split(line, "|")
	for i, c := range cells {
		cells[i] = strings.TrimSpace(strings.ReplaceAll(c, "\x00", "|"))
	}
	return cells
}

// writeHTMLTable writes the Markdown table rows (header, separator, body).
func writeHTMLTable(w *bufio.Writer, rows [][]string) {
	if len(rows) < 2 {
		return
	}
	w.WriteString("<table>\n<thead><tr>")
	for _, c := range rows[0] {
		fmt.Fprintf(w, "<th>%s</th>", inlineMD(c))
	}
	w.WriteString("</tr></thead>\n<tbody>\n")
	for _, r := range rows[2:] {
		w.WriteString("<tr>")
		for _, c := range r {
			class := ""
			if reports.IsNumber(strings.TrimSuffix(c, "×")) {
				class = ` class="num"`
			}
			fmt.Fprintf(w, "<td%s>%s</td>", class, inlineMD(c))
		}
		w.WriteString("</tr>\n")
	}
	w.WriteString("</tbody>\n</table>\n")
}

// inlineMD escapes s for HTML and turns `code` spans into <code>.
func inlineMD(s string) string {
	parts := strings.Split(s, "`")
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 && i < len(parts)-1 {
			b.WriteString("<code>" + html.EscapeString(p) + "</code>")
			continue
		}
		if i%2 == 1 {
			b.WriteString("`")
		}
		b.WriteString(html.EscapeString(p))
	}
	return b.String()
}

// PageFigure is a picture a MarkdownPage shows under its own heading: Src
// is the image's path relative to the page.
type PageFigure struct{ Title, Src string }

// MarkdownPage writes a self-contained page titled title, in the style of
// Index: md (rnnbench's Markdown, as markdownHTML reads it) as HTML, then
// each figure under an <h3> heading. Errors are w's.
func MarkdownPage(w io.Writer, title, md string, figs []PageFigure) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, indexHead, html.EscapeString(title))
	markdownHTML(bw, md, 0)
	for _, f := range figs {
		fmt.Fprintf(bw, "<h3>%s</h3>\n<figure><img src=\"%s\" alt=\"%s\" style=\"max-width:100%%\"></figure>\n",
			html.EscapeString(f.Title), html.EscapeString(f.Src), html.EscapeString(f.Title))
	}
	bw.WriteString("</body>\n</html>\n")
	return bw.Flush()
}
