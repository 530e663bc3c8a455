package views

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"rnnbench/harness"
	"rnnbench/reports"
)

// writeFolder writes a results folder as bench does: results.md, the
// figures and index.html, and returns how many figures it holds.
func writeFolder(t *testing.T, dir string, rec *harness.Record) int {
	t.Helper()
	var md strings.Builder
	figs := 0
	if rec.Sweep != nil {
		if err := SweepMarkdown(&md, rec); err != nil {
			t.Fatal(err)
		}
		files, err := SweepPlots(dir, rec)
		if err != nil {
			t.Fatal(err)
		}
		figs = len(files) / len(reports.FigureFormats)
	} else {
		if err := RunMarkdown(&md, rec); err != nil {
			t.Fatal(err)
		}
		if err := LossPlot(filepath.Join(dir, "loss.png"), rec); err != nil {
			t.Fatal(err)
		}
		figs = 1
	}
	if err := os.WriteFile(filepath.Join(dir, "results.md"), []byte(md.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteCSVExport(dir, rec); err != nil {
		t.Fatal(err)
	}
	if err := WriteIndex(dir, rec); err != nil {
		t.Fatal(err)
	}
	return figs
}

var hrefRE = regexp.MustCompile(`href="([^"]+)"`)

// index.html is self-contained (no script, no external resource), holds
// every figure inline, every table and the machine line, and each of its
// links names a file of the folder; every file of the folder is linked.
func TestIndexSelfContained(t *testing.T) {
	for name, rec := range map[string]*harness.Record{"run": synthRun("selective-copy"), "sweep": synthSweep()} {
		dir := t.TempDir()
		figs := writeFolder(t, dir, rec)
		b, err := os.ReadFile(filepath.Join(dir, IndexFile))
		if err != nil {
			t.Fatal(err)
		}
		page := string(b)
		bare := strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, "")
		bare = strings.ReplaceAll(bare, `xmlns:xlink="http://www.w3.org/1999/xlink"`, "")
		for _, bad := range []string{"<script", "<link", "<img", "src=", "http://", "https://", "<?xml", "url("} {
			if strings.Contains(bare, bad) {
				t.Errorf("%s: index.html contains %q: not self-contained", name, bad)
			}
		}
		if n := strings.Count(page, "<svg "); n != figs {
			t.Errorf("%s: %d inline SVGs, want %d figures", name, n, figs)
		}
		for _, want := range []string{"Machine: Test CPU", "<table>", "<h2>Configuration</h2>", `"seed": `} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: index.html lacks %q", name, want)
			}
		}
		linked := map[string]bool{}
		for _, m := range hrefRE.FindAllStringSubmatch(page, -1) {
			linked[m[1]] = true
			if _, err := os.Stat(filepath.Join(dir, m[1])); err != nil {
				t.Errorf("%s: link %q names no file of the folder", name, m[1])
			}
		}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if e.Name() != IndexFile && !linked[e.Name()] {
				t.Errorf("%s: file %s is not linked from index.html", name, e.Name())
			}
		}
	}
}

// chromiumPath returns the Chromium (or Chrome) binary, or "" if none is
// installed.
func chromiumPath() string {
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// TestIndexInChromium opens each kind of index.html in headless Chromium
// (Debian's chromium package; .ci/run installs it) through the DevTools
// protocol and checks that the page loads with no console message of level
// error or warning, no uncaught exception and no failed load, and that
// every figure is visible: an inline SVG at least 400×150 CSS pixels with
// display, visibility and opacity not hiding it, and text drawn inside.
func TestIndexInChromium(t *testing.T) {
	bin := chromiumPath()
	if bin == "" {
		t.Skip("chromium is not installed (apt-get install chromium): the browser check of index.html is skipped")
	}
	if testing.Short() {
		t.Skip("-short: the browser check of index.html is skipped")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	if err := chromedp.Do(bctx); err != nil { // start the browser
		t.Fatalf("starting %s: %v", bin, err)
	}
	// A control page with a broken image and a console error must be
	// caught, or the check below could not fail.
	ctrl := filepath.Join(t.TempDir(), "control.html")
	os.WriteFile(ctrl, []byte(`<!DOCTYPE html><html><head><title>c</title></head><body><img src="missing.png"><script>console.error("boom")</script><figure><svg width="10" height="10"></svg></figure></body></html>`), 0o644)
	if _, visible, problems, err := openPage(bctx, ctrl); err != nil || len(problems) < 2 || len(visible) != 1 || visible[0] {
		t.Fatalf("control page: visible %v, problems %q, err %v; want the missing image, the console error and a hidden figure caught", visible, problems, err)
	}
	for name, rec := range map[string]*harness.Record{"run": synthRun("selective-copy"), "sweep": synthSweep()} {
		dir := t.TempDir()
		figs := writeFolder(t, dir, rec)
		title, visible, problems, err := openPage(bctx, filepath.Join(dir, IndexFile))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.HasPrefix(title, "rnnbench") {
			t.Errorf("%s: page title %q", name, title)
		}
		if len(visible) != figs {
			t.Errorf("%s: %d figures in the page, want %d", name, len(visible), figs)
		}
		for i, v := range visible {
			if !v {
				t.Errorf("%s: figure %d is not visible", name, i)
			}
		}
		for _, p := range problems {
			t.Errorf("%s: %s", name, p)
		}
	}
}

// openPage loads the file at path in a new tab of the browser bctx and
// returns its title, whether each figure's SVG is visible, and every
// console error, warning, uncaught exception or failed load.
func openPage(bctx context.Context, path string) (title string, visible []bool, problems []string, err error) {
	tctx, tcancel := chromedp.NewContext(bctx)
	defer tcancel()
	if err := chromedp.Do(tctx); err != nil { // open the tab, so that Console sees it from the start
		return "", nil, nil, err
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	msgs := chromedp.Console(tctx)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for m, err := range msgs {
			if err != nil {
				return
			}
			switch m.Type {
			case chromedp.ConsoleError, chromedp.ConsoleWarning, chromedp.ConsoleException:
				mu.Lock()
				problems = append(problems, fmt.Sprintf("console %s: %s %s", m.Type, m.Text, m.URL))
				mu.Unlock()
			}
		}
	}()
	err = chromedp.Do(tctx, chromedp.Navigate("file://"+path), chromedp.WaitReady("body"))
	if err == nil {
		title, err = chromedp.Run(tctx, chromedp.Title())
	}
	if err == nil {
		visible, err = chromedp.Run(tctx, chromedp.Evaluate[[]bool](`Array.from(document.querySelectorAll("figure svg")).map(s => {
			s.scrollIntoView();
			const r = s.getBoundingClientRect(), st = getComputedStyle(s);
			return r.width >= 400 && r.height >= 150 && st.display !== "none" && st.visibility === "visible" &&
				parseFloat(st.opacity) > 0 && s.querySelectorAll("text").length > 5;
		})`))
	}
	time.Sleep(300 * time.Millisecond) // let late console messages arrive
	tcancel()
	wg.Wait()
	return title, visible, problems, err
}
