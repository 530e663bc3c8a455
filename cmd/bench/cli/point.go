package cli

import (
	"encoding/json"
	"fmt"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
)

// pointCommand is the hidden `bench point --json SPEC`: the child process
// of a sweep. It measures the one point SPEC (a harness.PointSpec as JSON)
// with harness.MeasurePoint and prints the harness.Point as one JSON line
// on stdout. Its peak RSS is read by the parent, so it does nothing else.
func pointCommand() *cli.Command {
	return &cli.Command{
		Name:   "point",
		Hidden: true,
		Usage:  "measure one sweep point in this process (run by bench run --task sweep)",
		Flags:  []cli.Flag{&cli.StringFlag{Name: "json", Required: true, Usage: "the point, a harness.PointSpec as JSON"}},
		Action: func(c *cli.Context) error {
			if err := harness.CheckParent(); err != nil { // the sweep died before this point started
				return err
			}
			var spec harness.PointSpec
			if err := json.Unmarshal([]byte(c.String("json")), &spec); err != nil {
				return badInput("point --json: %v", err)
			}
			if err := spec.Validate(); err != nil {
				return badInput("point --json: %v", err)
			}
			pt, err := harness.MeasurePoint(c.Context, spec)
			if err != nil {
				return fmt.Errorf("%s T=%d: %w", pt.Name, pt.T, err)
			}
			b, err := json.Marshal(pt)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(c.App.Writer, "%s\n", b)
			return err
		},
	}
}
