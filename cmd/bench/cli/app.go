// Package cli holds the bench commands as functions that tests call;
// cmd/bench/main is a one-line wrapper around Main.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
)

// Exit codes.
const (
	ExitOK        = 0
	ExitFailure   = 1 // a run failed, or compare found a regression
	ExitBadInput  = 2 // bad flags, arguments or input files: nothing was written
	ExitInterrupt = 130
)

// usageError is bad input: one line naming the problem and what is allowed.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// badInput returns a usageError with a formatted message.
func badInput(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// Main runs the bench command line and returns the process exit code. The
// first SIGINT or SIGTERM cancels the run (finished results are kept on
// disk); a second one exits at once.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	go func() {
		if _, ok := <-sig; !ok {
			return
		}
		fmt.Fprintln(stderr, "bench: stopping: the running model or sweep point is stopped, finished results are kept on disk; interrupt again to exit now")
		cancel()
		if _, ok := <-sig; ok {
			os.Exit(ExitInterrupt)
		}
	}()
	return Run(ctx, args, stdout, stderr)
}

// Run is Main without signal handling, for tests.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	err := app.RunContext(ctx, args)
	if err == nil {
		return ExitOK
	}
	var ue *usageError
	var ec cli.ExitCoder
	switch {
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "bench: "+oneLine(ue.msg))
		return ExitBadInput
	case errors.As(err, &ec):
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(stderr, "bench: "+oneLine(msg))
		}
		return ec.ExitCode()
	}
	fmt.Fprintln(stderr, "bench: "+oneLine(err.Error()))
	return ExitFailure
}

func newApp(stdout, stderr io.Writer) *cli.App {
	onUsage := func(c *cli.Context, err error, _ bool) error {
		help := "bench --help"
		var flags []cli.Flag
		if c != nil && c.Command != nil && c.Command.Name != "" && (c.App == nil || c.Command.Name != c.App.Name) {
			help = "bench " + c.Command.Name + " --help"
			flags = c.Command.Flags
		} else if c != nil && c.App != nil {
			flags = c.App.Flags
		}
		return badInput("%s (see %s)", parseErrorText(err.Error(), flags), help)
	}
	app := &cli.App{
		Name:  "bench",
		Usage: "train and measure minimal RNNs (minGRU, minLSTM) beside GRU, LSTM, a Transformer and Mamba",
		Description: "rnnbench checks the claims of Feng et al. 2024, \"Were RNNs All We Needed?\", on your machine:\n" +
			"it trains each model for real on selective copying or character-level text, sweeps the\n" +
			"sequence length to measure time and memory, and writes results.json, results.md, results.bench\n" +
			"(Go benchmark format, for benchstat), a CSV export, figures (PNG, SVG, PDF) and index.html.",
		Version: moduleVersion(), // --version prints versionLine

		EnableBashCompletion: true,
		Writer:               stdout,
		ErrWriter:            stderr,
		HideHelpCommand:      true,
		Commands:             []*cli.Command{runCommand(), claimsCommand(), listCommand(), reportCommand(), mergeCommand(), pointCommand(), compareCommand(), ciCommand(), completionCommand()},
		OnUsageError:         onUsage,
		Before:               checkRawArgs, // plain decimal integers, required flags: exit 2 (strictargs.go)
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return badInput("unknown command %q: allowed %s (see bench --help)", c.Args().First(), commandNames(c.App))
			}
			return cli.ShowAppHelp(c)
		},
		ExitErrHandler: func(*cli.Context, error) {}, // Run maps errors to exit codes
	}
	for _, c := range app.Commands {
		c.OnUsageError = onUsage
	}
	return app
}

// commandNames lists the app's command names, comma-separated.
func commandNames(app *cli.App) string {
	s := ""
	for _, c := range app.Commands {
		if c.Hidden {
			continue
		}
		if s != "" {
			s += ", "
		}
		s += c.Name
	}
	return s
}

// The messages of Go's flag package, as urfave/cli passes them on.
var (
	invalidValueRE = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-(\S+): .*$`)
	notDefinedRE   = regexp.MustCompile(`^flag provided but not defined: -+(\S+)$`)
	needsArgRE     = regexp.MustCompile(`^flag needs an argument: -+(\S+)$`)
	badSyntaxRE    = regexp.MustCompile(`^bad flag syntax: (.*)$`)
	integerRE      = regexp.MustCompile(`^[+-]?[0-9]+$`)
)

// parseErrorText rewrites a flag-parsing error of urfave/cli ("invalid
// value "abc" for flag -dim: parse error") into bench's wording: flags
// with two dashes and what the flag expects ("--dim "abc" is not an
// integer"). flags are the command's, to tell what each expects.
func parseErrorText(msg string, flags []cli.Flag) string {
	if m := invalidValueRE.FindStringSubmatch(msg); m != nil {
		val, name := m[1], m[2]
		want := "is not a valid value"
		switch flagByName(flags, name).(type) {
		case *cli.IntFlag, *cli.Int64Flag:
			want = "is not an integer"
			if integerRE.MatchString(val) {
				want = "is out of range for an integer"
			}
		case *cli.UintFlag, *cli.Uint64Flag:
			want = "is not an integer ≥ 0"
			if integerRE.MatchString(val) && !strings.HasPrefix(val, "-") {
				want = "is out of range for an integer"
			}
		case *cli.Float64Flag:
			want = "is not a number"
		case *cli.DurationFlag:
			want = "is not a duration: give a number with a unit, such as 90s, 10m or 1h"
		case *cli.BoolFlag:
			want = "is not a boolean: give the flag alone, or --" + name + "=true or --" + name + "=false"
		}
		return fmt.Sprintf("%s %q %s", dashed(name), val, want)
	}
	if m := notDefinedRE.FindStringSubmatch(msg); m != nil {
		var names []string
		for _, f := range flags {
			names = append(names, f.Names()...)
		}
		hint := suggestFlag(m[1], names)
		if m[1] == "v" && slices.Contains(names, "version") {
			hint = " (did you mean --version?)"
		}
		return fmt.Sprintf("unknown flag %s%s", dashed(m[1]), hint)
	}
	if m := needsArgRE.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s needs a value", dashed(m[1]))
	}
	if m := badSyntaxRE.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("bad flag syntax %q: flags are written --name or --name value", m[1])
	}
	return msg
}

// dashed writes a flag name as typed: -v for one letter, --name otherwise.
func dashed(name string) string {
	if len([]rune(name)) == 1 {
		return "-" + name
	}
	return "--" + name
}

// flagByName returns the flag of flags called name, or nil.
func flagByName(flags []cli.Flag, name string) cli.Flag {
	for _, f := range flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

// suggestFlag is suggest for flag names: ` (did you mean --x?)` or "".
func suggestFlag(got string, names []string) string {
	if len([]rune(got)) == 1 {
		return "" // any one letter is one edit from another: no useful guess
	}
	if s := suggest(got, names); s != "" {
		best := strings.TrimSuffix(strings.TrimPrefix(s, ` (did you mean "`), `"?)`)
		return " (did you mean " + dashed(best) + "?)"
	}
	return ""
}
