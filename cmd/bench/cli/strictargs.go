package cli

import (
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"
)

// Go's flag package, under urfave/cli, reads integer flags with
// strconv.ParseInt(s, 0, 64): "010" is octal 8, and "0x10", "0b11", "1_6"
// and "+5" are accepted. bench takes integers as plain decimal digits
// only, with a leading "-" on signed flags (whose range checks then name
// the allowed values). checkRawArgs, the app's Before hook, reads the raw
// arguments of the command before urfave/cli parses them and refuses any
// other spelling of an integer, and a required flag left out, as usage
// errors (exit 2) instead of urfave/cli's exit 1 and help text.

var (
	plainSigned   = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)
	plainUnsigned = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)
)

// checkRawArgs checks the arguments of the command c is about to run.
func checkRawArgs(c *cli.Context) error {
	args := c.Args().Slice()
	if len(args) == 0 {
		return nil
	}
	cmd := c.App.Command(args[0])
	if cmd == nil {
		return nil
	}
	return checkCommandArgs(cmd, args[1:])
}

// checkCommandArgs checks args, the raw arguments of cmd.
func checkCommandArgs(cmd *cli.Command, args []string) error {
	help, emptyOut := false, false
	given := map[string]bool{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "help" || name == "h" {
			help = true
		}
		f := flagByName(cmd.Flags, name)
		if f == nil {
			continue
		}
		for _, n := range f.Names() {
			given[n] = true
		}
		if tv, ok := f.(cli.DocGenerationFlag); !ok || !tv.TakesValue() {
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				continue // urfave/cli says "--x needs a value"
			}
			i++
			val = args[i]
		}
		emptyOut = emptyOut || name == "out" && val == ""
		if name == "out" || name == "resume" {
			if err := checkOutDir(name, val); err != nil {
				return err
			}
		}
		plain, unsigned := plainSigned, false
		switch f.(type) {
		case *cli.IntFlag, *cli.Int64Flag:
		case *cli.UintFlag, *cli.Uint64Flag:
			plain, unsigned = plainUnsigned, true
		default:
			continue
		}
		if plain.MatchString(val) || unsigned && strings.HasPrefix(val, "-") || !goAccepts(val) {
			continue // plain, or refused by urfave/cli with its own message
		}
		return badInput("--%s %q is not a plain decimal integer: write digits only, such as 64, without leading zeros, 0x/0o/0b prefixes, underscores or a + sign (see bench %s --help)", name, val, cmd.Name)
	}
	if help {
		return nil
	}
	if emptyOut && !given["resume"] { // with --resume, --out "" means "the resumed folder"
		return badInput(`--out "" is empty: give a folder, or leave --out out for the default folder`)
	}
	for _, f := range cmd.Flags {
		if r, ok := f.(cli.RequiredFlag); ok && r.IsRequired() && !given[f.Names()[0]] {
			return badInput("bench %s needs --%s (see bench %s --help)", cmd.Name, f.Names()[0], cmd.Name)
		}
	}
	return nil
}

// goAccepts reports whether s looks like an integer literal of Go's
// (a sign, a digit, then digits, letters or underscores: 010, 08, 0x10,
// 1_6, 0b11, +5), as opposed to text or a decimal fraction, which
// urfave/cli refuses with its own message.
func goAccepts(s string) bool { return goLiteral.MatchString(s) }

var goLiteral = regexp.MustCompile(`^[+-]?[0-9][0-9A-Za-z_]*$`)
