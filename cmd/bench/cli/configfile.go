package cli

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/urfave/cli/v2"
)

// `bench run --config FILE` reads an experiment file: TOML whose keys are
// the flag names of bench run, each with the value the flag would take —
// a string, a number, a boolean, or a list (written as the flag's
// comma-separated list: model = ["mingru", "gru"], seeds = [1, 2, 3],
// lr = [1e-3, 3e-3], layers = [1, 2, 3]). A flag given on the command
// line overrides the file's key. The resolved configuration — every flag
// set by either, with its value — is stored in results.json ("config").
// One file describes one task; run one file per task.

// applyConfigFile sets every flag of c named in the --config file that is
// not set on the command line. Problems are usageErrors naming the file
// and the key.
func applyConfigFile(c *cli.Context) error {
	path := c.String("config")
	if path == "" {
		return badInput("--config needs a file: a TOML file whose keys are bench run's flag names")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return badInput("--config %s: %v", path, err)
	}
	var m map[string]any
	if _, err := toml.Decode(string(b), &m); err != nil {
		return badInput("--config %s: %s", path, strings.ReplaceAll(err.Error(), "\n", " "))
	}
	var names []string
	for _, f := range c.Command.Flags {
		names = append(names, f.Names()...)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k == "config" || k == "help" || !slices.Contains(names, k) {
			return badInput("--config %s: unknown key %q%s: the keys are bench run's flag names (see bench run --help)", path, k, suggest(k, names))
		}
		v, err := tomlFlagValue(m[k])
		if err != nil {
			return badInput("--config %s: key %s: %v", path, k, err)
		}
		if c.IsSet(k) {
			continue // the command line wins
		}
		if err := c.Set(k, v); err != nil {
			msg := parseErrorText(fmt.Sprintf("invalid value %q for flag -%s: %v", v, k, err), c.Command.Flags)
			return badInput("--config %s: key %s = %s: %s", path, k, v, msg)
		}
	}
	return nil
}

// tomlFlagValue writes a TOML value as a flag's text: lists joined by commas.
func tomlFlagValue(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	case []any:
		var parts []string
		for _, e := range x {
			if _, nested := e.([]any); nested {
				return "", fmt.Errorf("a list of lists; give a flat list")
			}
			s, err := tomlFlagValue(e)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		if len(parts) == 0 {
			return "", fmt.Errorf("an empty list")
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("a %T; give a string, number, boolean or list", v)
}

// resolvedConfig is every flag of c set on the command line or by the
// --config file, with its value: the record's "config".
func resolvedConfig(c *cli.Context) map[string]any {
	out := map[string]any{}
	for _, f := range c.Command.Flags {
		name := f.Names()[0]
		if !c.IsSet(name) || name == "dry-run" {
			continue
		}
		switch v := c.Value(name).(type) {
		case time.Duration:
			out[name] = v.String()
		default:
			out[name] = v
		}
	}
	return out
}
