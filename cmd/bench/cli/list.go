package cli

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"rnnbench/harness"
	"rnnbench/models"
	"rnnbench/reports"
)

func listCommand() *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "list the models and tasks, with each model's parameter count at the chosen size",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "task", Value: "selective-copy", Usage: "task whose preset sizes are used: " + strings.Join(Tasks, ", ")},
			&cli.StringFlag{Name: "preset", Value: "quick", Usage: "preset whose sizes are used: " + strings.Join(Presets, ", ")},
			&cli.IntFlag{Name: "layers", Usage: "L", DefaultText: "the preset's"},
			&cli.IntFlag{Name: "dim", Usage: "D", DefaultText: "the preset's"},
			&cli.IntFlag{Name: "expansion", Usage: "E/D", DefaultText: "the preset's"},
			&cli.IntFlag{Name: "heads", Usage: "H", DefaultText: "the preset's"},
			&cli.IntFlag{Name: "state", Usage: "N", DefaultText: "the preset's"},
			&cli.IntFlag{Name: "mlp", Usage: "MLP multiple", DefaultText: "the preset's"},
			&cli.IntFlag{Name: "params", Usage: "size every model to about this many non-embedding parameters", DefaultText: "the preset's sizes"},
			&cli.IntFlag{Name: "seq-len", Usage: "T for the FLOPs column", DefaultText: "the preset's"},
		},
		Action: func(c *cli.Context) error {
			if isSynthetic(c.String("task")) { // synthlist.go
				return listSynthetic(c)
			}
			s, ok := preset(c.String("task"), c.String("preset"))
			if !ok {
				return badInput("unknown --task %q or --preset %q: allowed tasks %s; presets %s", c.String("task"), c.String("preset"), strings.Join(Tasks, ", "), strings.Join(Presets, ", "))
			}
			if err := applyFlags(c, &s); err != nil {
				return err
			}
			s.Arch.V = 16
			if c.String("task") == "char-lm" {
				s.Arch.V = 65
			}
			cfgs, err := modelConfigs("all", "all", s.Arch)
			if err != nil {
				return err
			}
			if c.IsSet("params") {
				if cfgs, err = sizeToParams(cfgs, c.Int("params")); err != nil {
					return err
				}
			}
			phys := float64(harness.PhysicalMemory())
			for _, cfg := range cfgs {
				// Building the model to count it must not exhaust memory.
				if lb := 16 * models.ParamsLowerBound(cfg); phys > 0 && lb > phys {
					return badInput("%s at D=%d has at least %s of parameters, gradients and AdamW moments, more than this machine's %s of memory; lower --dim, --layers, --expansion or --mlp",
						cfg.Name(), cfg.D, humanBytes(lb), humanBytes(phys))
				}
			}
			w := c.App.Writer
			fmt.Fprintf(w, "Tasks: %s\n\nModels at L=%d, V=%d, T=%d:\n\n", strings.Join(Tasks, ", "), s.Arch.L, s.Arch.V, s.SeqLen)
			var rows [][]string
			for _, cfg := range cfgs {
				m, err := models.New[float32](cfg, 1)
				if err != nil {
					return err
				}
				name := cfg.Mixer
				if cfg.Mode != "" {
					name += "/" + cfg.Mode
				}
				rows = append(rows, []string{name, fmt.Sprint(cfg.D), fmt.Sprint(m.PS.CountNonEmbedding()), fmt.Sprint(m.PS.Count()), fmt.Sprint(m.FLOPs(s.SeqLen)), models.Source[cfg.Mixer]})
			}
			return reports.Markdown(w, []string{"model", "D", "non-emb params", "params", "FLOPs/token", "equations from"}, rows)
		},
	}
}
