package harness

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"

	"rnnbench/models"
)

// An experiment is a plan of independent units (engine.go): one training
// run of one model at one seed and one point of the learning-rate × weight
// decay grid, or one point of a sequence-length sweep. Each unit carries a
// Key made of everything that determines its result, so a resumed or
// merged experiment matches finished units to the plan by key, never by
// position in a list.

// Unit kinds.
const (
	UnitTrain = "train" // one training run (TrainSpec)
	UnitPoint = "point" // one sweep point (PointSpec)
)

// Unit is one unit of an experiment's plan.
type Unit struct {
	Index int     `json:"index"`           // position in the whole plan; shard i of n runs Index ≡ i (mod n)
	ID    string  `json:"id"`              // unique in the plan and readable: "gru", "mingru/parallel lr=0.003 seed=2", "gru T=64"
	Group string  `json:"group,omitempty"` // training units: the row of the tables, the model and (when the plan has several) its size: "gru L=2"
	Key   UnitKey `json:"key"`
}

// UnitKey is everything that determines a unit's result: two units with
// equal keys give the same seeded figures, bit for bit.
type UnitKey struct {
	Kind    string         `json:"kind"`                  // UnitTrain or UnitPoint
	Task    string         `json:"task"`                  // selective-copy, char-lm or sweep
	TaskCfg map[string]any `json:"task_config,omitempty"` // training units: the task's settings (record.TaskCfg)
	Model   models.Config  `json:"model"`
	Train   TrainConfig    `json:"train"` // optimiser, steps, evaluation, seed
	T       int            `json:"T"`
	B       int            `json:"B"`
	Warmup  int            `json:"warmup_steps,omitempty"` // sweep points: untimed steps
	Repeats int            `json:"repeats,omitempty"`      // sweep points: timed steps
}

// UnitInShard reports whether unit index i belongs to shard of shards.
func UnitInShard(i, shard, shards int) bool {
	return shards <= 1 || i%shards == shard
}

// FirstDiff compares a and b as JSON and names the first field (in key
// order) where they differ, as "path was a, the flags give b"; it returns
// "" if they are equal. Comparing JSON makes a record read back from disk
// (numbers as float64, absent fields) compare equal to the in-memory
// original.
func FirstDiff(a, b any) string {
	norm := func(v any) any {
		j, err := json.Marshal(v)
		if err != nil {
			return fmt.Sprintf("<%v>", err)
		}
		var out any
		json.Unmarshal(j, &out)
		return out
	}
	return diffValue("", norm(a), norm(b))
}

func diffValue(path string, a, b any) string {
	show := func(v any) string {
		if v == nil {
			return "(unset)"
		}
		j, _ := json.Marshal(v)
		if len(j) > 80 {
			j = append(j[:77], "..."...)
		}
		return string(j)
	}
	at := func(key string) string {
		if path == "" {
			return key
		}
		return path + "." + key
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			if d := diffValue(at(k), x[k], y[k]); d != "" {
				return d
			}
		}
		return ""
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			break
		}
		for i := range x {
			if d := diffValue(fmt.Sprintf("%s[%d]", path, i), x[i], y[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if reflect.DeepEqual(a, b) {
		return ""
	}
	return fmt.Sprintf("%s was %s, the flags give %s", path, show(a), show(b))
}
