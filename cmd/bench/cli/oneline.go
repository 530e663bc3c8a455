package cli

import "strings"

// oneLine keeps an error message on one line whatever it quotes: a
// newline or carriage return (in a path or name printed with %s) is
// written as \n or \r. Run passes every message through it.
func oneLine(msg string) string {
	return strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(msg)
}
