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
		fmt.Fprintln(stderr, "bench: interrupted; finishing the current step and saving results (interrupt again to exit now)")
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
		fmt.Fprintln(stderr, "bench: "+ue.msg)
		return ExitBadInput
	case errors.As(err, &ec):
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(stderr, "bench: "+msg)
		}
		return ec.ExitCode()
	}
	fmt.Fprintln(stderr, "bench: "+err.Error())
	return ExitFailure
}

func newApp(stdout, stderr io.Writer) *cli.App {
	onUsage := func(_ *cli.Context, err error, _ bool) error {
		return badInput("%v (see bench --help)", err)
	}
	app := &cli.App{
		Name:  "bench",
		Usage: "train and measure minimal RNNs (minGRU, minLSTM) beside GRU, LSTM, a Transformer and Mamba",
		Description: "rnnbench checks the claims of Feng et al. 2024, \"Were RNNs All We Needed?\", on your machine:\n" +
			"it trains each model for real on selective copying or character-level text, sweeps the\n" +
			"sequence length to measure time and memory, and writes results.json, results.md and PNG plots.",
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		Commands:        []*cli.Command{runCommand(), listCommand(), reportCommand(), mergeCommand(), pointCommand(), compareCommand(), ciCommand()},
		OnUsageError:    onUsage,
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
	for i, c := range app.Commands {
		if i > 0 {
			s += ", "
		}
		s += c.Name
	}
	return s
}
