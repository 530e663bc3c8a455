package cli

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"rnnbench/models"
	"rnnbench/reports"
	"rnnbench/tasks"
)

// listSynthetic is `bench list --task NAME` for a synthetic task (or the
// formal suite): what the task is, its source, flags and presets, and each
// model's size at the preset.
func listSynthetic(c *cli.Context) error {
	name := c.String("task")
	w := c.App.Writer
	names := []string{name}
	if name == SuiteFormal {
		names = tasks.Names(tasks.FamilyFormal)
		fmt.Fprintf(w, "Task formal: every formal-language task (%s), one folder each, and a models × tasks summary.\n\n", strings.Join(names, ", "))
	}
	var rows [][]string
	for _, n := range names {
		spec, _ := tasks.Lookup(n)
		g := spec.New(tasks.Options{Pairs: 4, Vocab: 512})
		rows = append(rows, []string{spec.Name, spec.Family, spec.Example, fmt.Sprint(g.V()), fmt.Sprint(g.Classes()),
			fmt.Sprintf("%.4g", tasks.Chance(g)), "--" + strings.Join(spec.Flags, ", --"), fmt.Sprint(spec.QuickSteps), fmt.Sprint(spec.PaperSteps), spec.Source})
	}
	if err := reports.Markdown(w, []string{"task", "family", "input → target", "V", "classes", "chance", "flags", "quick steps", "paper steps", "source"}, rows); err != nil {
		return err
	}
	spec, _ := tasks.Lookup(names[0])
	s, ok := synthPreset(spec, c.String("preset"))
	if !ok {
		return badInput("unknown --preset %q: allowed %s", c.String("preset"), strings.Join(Presets, ", "))
	}
	if err := applyFlags(c, &s.settings); err != nil {
		return err
	}
	s.Arch.V = spec.New(s.opts).V()
	if spec.Family == tasks.FamilyRecall {
		fmt.Fprintf(w, "\nzoology's settings (--setting): ")
		for _, m := range tasks.MQARSettings {
			fmt.Fprintf(w, "%s (T=%d, %d pairs) ", m.Name, m.T, m.Pairs)
		}
		fmt.Fprintln(w)
	} else {
		fmt.Fprintf(w, "\nTrained on L %d-%d (one length per batch), evaluated on fixed held-out sets at L %v (--train-lengths, --eval-lengths).\n", s.trainL[0], s.trainL[len(s.trainL)-1], s.evalL)
	}
	fmt.Fprintf(w, "Preset %s: L=%d, D=%d, expansion %d, batch %d, lr %g, %d steps.\n\nModels at V=%d:\n\n",
		c.String("preset"), s.Arch.L, s.Arch.D, s.Arch.Expansion, s.Train.Batch, s.Train.LR, s.Train.Steps, s.Arch.V)
	cfgs, err := modelConfigs("all", "", s.Arch)
	if err != nil {
		return err
	}
	rows = nil
	for _, cfg := range cfgs {
		m, err := models.New[float32](cfg, 1)
		if err != nil {
			return err
		}
		rows = append(rows, []string{cfg.Name(), fmt.Sprint(cfg.D), fmt.Sprint(m.PS.CountNonEmbedding()), fmt.Sprint(m.PS.Count())})
	}
	return reports.Markdown(w, []string{"model", "D", "non-emb params", "params"}, rows)
}
