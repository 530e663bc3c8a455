package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// Shell completion comes from urfave/cli: with EnableBashCompletion the app
// answers a command line ending in --generate-bash-completion with the
// commands or flags that may follow. `bench completion SHELL` prints the
// script that asks it (bash, zsh), or the static script urfave/cli
// generates from the command tree (fish).

// completionShells are the shells `bench completion` writes a script for.
var completionShells = []string{"bash", "zsh", "fish"}

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script for bash, zsh or fish",
		ArgsUsage: "SHELL",
		Description: "Prints the completion script of SHELL (bash, zsh or fish) to stdout. Load it in the running shell:\n\n" +
			"   bash:  source <(bench completion bash)         (or save it in ~/.local/share/bash-completion/completions/bench)\n" +
			"   zsh:   source <(bench completion zsh)          (after compinit)\n" +
			"   fish:  bench completion fish | source          (or save it in ~/.config/fish/completions/bench.fish)\n\n" +
			"bash and zsh ask bench itself for the commands and flags that may follow, so they follow the\n" +
			"installed version; the fish script lists them and is regenerated with the binary.",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 || !slices.Contains(completionShells, c.Args().First()) {
				return badInput("completion takes one shell, got %q: allowed %s (bench completion bash)", strings.Join(c.Args().Slice(), " "), strings.Join(completionShells, ", "))
			}
			w := c.App.Writer
			switch c.Args().First() {
			case "bash":
				_, err := fmt.Fprint(w, bashCompletion)
				return err
			case "zsh":
				_, err := fmt.Fprint(w, zshCompletion)
				return err
			}
			s, err := c.App.ToFishCompletion()
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(w, s)
			return err
		},
	}
}

// bashCompletion needs no bash-completion package.
const bashCompletion = `# bash completion for bench (rnnbench): source <(bench completion bash)
_bench_complete() {
  local cur="${COMP_WORDS[COMP_CWORD]}" opts
  if [[ "$cur" == -* ]]; then
    opts=$("${COMP_WORDS[@]:0:COMP_CWORD}" "$cur" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${COMP_WORDS[@]:0:COMP_CWORD}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _bench_complete bench
`

const zshCompletion = `#compdef bench
# zsh completion for bench (rnnbench): source <(bench completion zsh)
_bench_complete() {
  local -a opts
  local cur=${words[-1]}
  if [[ "$cur" == -* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
compdef _bench_complete bench
`
