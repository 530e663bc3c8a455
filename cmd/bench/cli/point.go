package cli

import (
	"encoding/json"
	"fmt"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
)

// pointCommand is the hidden `bench point --json SPEC`: the child process
// that runs one unit of an experiment. SPEC is a harness.UnitSpec as
// JSON: a sweep point (measured with harness.MeasurePoint; its peak RSS is
// read by the parent, so it does nothing else) or a training unit (run
// with harness.RunTrainUnit, progress on stderr, for --jobs > 1). It
// prints the harness.Point or harness.Result as one JSON line on stdout.
func pointCommand() *cli.Command {
	return &cli.Command{
		Name:   "point",
		Hidden: true,
		Usage:  "run one unit of an experiment in this process (run by bench run --task sweep and --jobs)",
		Flags:  []cli.Flag{&cli.StringFlag{Name: "json", Required: true, Usage: "the unit, a harness.UnitSpec as JSON"}},
		Action: func(c *cli.Context) error {
			if err := harness.CheckParent(); err != nil { // the parent died before this unit started
				return err
			}
			var spec harness.UnitSpec
			if err := json.Unmarshal([]byte(c.String("json")), &spec); err != nil {
				return badInput("point --json: %v", err)
			}
			var out any
			switch {
			case spec.Point != nil && spec.Train == nil:
				if err := spec.Point.Validate(); err != nil {
					return badInput("point --json: %v", err)
				}
				pt, err := harness.MeasurePoint(c.Context, *spec.Point)
				if err != nil {
					return fmt.Errorf("%s T=%d: %w", pt.Name, pt.T, err)
				}
				out = pt
			case spec.Train != nil && spec.Point == nil:
				if err := spec.Train.Unit.Key.Model.Validate(); err != nil {
					return badInput("point --json: %v", err)
				}
				res, err := harness.RunTrainUnit(c.Context, *spec.Train, harness.UnitEnv{Progress: c.App.ErrWriter})
				if err != nil {
					return err
				}
				out = res
			default:
				return badInput("point --json: give exactly one of \"point\" and \"train\"")
			}
			b, err := json.Marshal(out)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(c.App.Writer, "%s\n", b)
			return err
		},
	}
}
