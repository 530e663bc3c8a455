package cli

import (
	"fmt"
	"os"
	"path/filepath"
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
// not set on the command line: the top-level keys, then the keys of the
// table of the task. It returns the file's tasks when it lists several and
// --task is not given (nothing is set then: runTasks runs each). Problems
// are usageErrors naming the file and the key.
func applyConfigFile(c *cli.Context) (tasks []string, err error) {
	path := c.String("config")
	if path == "" {
		return nil, badInput("--config needs a file: a TOML file whose keys are bench run's flag names")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, badInput("--config %s: %v", path, err)
	}
	var m map[string]any
	if _, err := toml.Decode(string(b), &m); err != nil {
		return nil, badInput("--config %s: %s", path, strings.ReplaceAll(err.Error(), "\n", " "))
	}
	if list, ok := m["task"].([]any); ok && !c.IsSet("task") {
		for _, t := range list {
			name, ok := t.(string)
			if !ok || !slices.Contains(Tasks, name) {
				return nil, badInput("--config %s: task %v: allowed %s", path, t, strings.Join(Tasks, ", "))
			}
			if slices.Contains(tasks, name) {
				return nil, badInput("--config %s: task lists %s twice", path, name)
			}
			tasks = append(tasks, name)
		}
		if len(tasks) == 0 {
			return nil, badInput("--config %s: task is an empty list", path)
		}
		if len(tasks) > 1 {
			return tasks, checkConfigKeys(c, path, m)
		}
		m["task"] = tasks[0]
	}
	if err := checkConfigKeys(c, path, m); err != nil {
		return nil, err
	}
	task := c.String("task")
	if !c.IsSet("task") {
		if t, ok := m["task"].(string); ok {
			task = t
		}
	}
	layers := []map[string]any{m}
	if t, ok := m[task].(map[string]any); ok {
		layers = append(layers, t) // the task's table, over the top-level keys
	}
	set := map[string]string{}
	for _, layer := range layers {
		for k, v := range layer {
			if _, table := v.(map[string]any); table || k == "task" {
				continue // the task is set below
			}
			text, err := tomlFlagValue(v)
			if err != nil {
				return nil, badInput("--config %s: key %s: %v", path, k, err)
			}
			set[k] = text
		}
	}
	if t, ok := m["task"].(string); ok && !c.IsSet("task") {
		set["task"] = t
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if c.IsSet(k) {
			continue // the command line wins
		}
		if err := c.Set(k, set[k]); err != nil {
			msg := parseErrorText(fmt.Sprintf("invalid value %q for flag -%s: %v", set[k], k, err), c.Command.Flags)
			return nil, badInput("--config %s: key %s = %s: %s", path, k, set[k], msg)
		}
	}
	return nil, nil
}

// checkConfigKeys refuses keys that are not flags of c and tables that
// are not named after a task, naming the file and the key.
func checkConfigKeys(c *cli.Context, path string, m map[string]any) error {
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
		if t, table := m[k].(map[string]any); table {
			if !slices.Contains(Tasks, k) {
				return badInput("--config %s: table [%s]%s: tables are named after a task (%s)", path, k, suggest(k, Tasks), strings.Join(Tasks, ", "))
			}
			if err := checkConfigKeys(c, path+" ["+k+"]", t); err != nil {
				return err
			}
			continue
		}
		if k == "config" || k == "help" || !slices.Contains(names, k) || (k == "task" && strings.Contains(path, " [")) {
			return badInput("--config %s: unknown key %q%s: the keys are bench run's flag names (see bench run --help)", path, k, suggest(k, names))
		}
	}
	return nil
}

// runTasks runs the --config file's experiment once per task, one after
// the other, each as `bench run --config FILE --task T` with the command
// line's flags, in <out>/<task> (with --resume: <dir>/<task>). It stops
// at the first task that does not exit 0, with its exit code.
func runTasks(c *cli.Context, tasks []string) error {
	_, err := runTasksIn(c, tasks, "experiment")
	return err
}

// runTasksIn is runTasks with the default folder results/<name>-<UTC
// time>; it returns the folder. A --resume of a task the interrupted
// experiment never reached starts it in its folder.
func runTasksIn(c *cli.Context, tasks []string, name string) (string, error) {
	var common []string
	for _, f := range c.Command.Flags {
		name := f.Names()[0]
		if !c.IsSet(name) || name == "out" || name == "resume" || name == "task" {
			continue
		}
		common = append(common, "--"+name+"="+flagText(c.Value(name)))
	}
	out, resume, err := outFlags(c)
	if err != nil {
		return "", err
	}
	if out == "" {
		out = defaultOut(name)
	}
	for _, t := range tasks {
		where := subFolderArgs(filepath.Join(out, t), resume)
		args := append(append([]string{"bench", "run", "--task", t}, where...), common...)
		fmt.Fprintf(c.App.ErrWriter, "bench: --config: task %s of %s, in %s\n", t, strings.Join(tasks, ", "), where[1])
		if code := Run(c.Context, args, c.App.Writer, c.App.ErrWriter); code != ExitOK {
			return out, cli.Exit("", code)
		}
	}
	return out, nil
}

// flagText writes a flag's value as its command-line text.
func flagText(v any) string {
	switch x := v.(type) {
	case time.Duration:
		return x.String()
	case cli.StringSlice:
		return strings.Join(x.Value(), ",")
	}
	return fmt.Sprint(v)
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
