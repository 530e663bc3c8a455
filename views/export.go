package views

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"

	"rnnbench/harness"
	"rnnbench/models"
)

// Export files, one per results folder: a training run's results.csv (one
// row per model run) or a sweep's points.csv (one row per point).
const (
	RunCSV   = "results.csv"
	PointCSV = "points.csv"
)

// ExportTable is a record as one flat table, with every measured field:
// one row per unit (a model's training run, or a sweep point). Values are
// int64, float64 or string; accuracies are in percent, times in ms,
// memory in bytes. Column names are snake_case with their unit.
type ExportTable struct {
	Header []string
	Rows   [][]any
}

// column is one column of an export: a name and how to read it.
type column[T any] struct {
	name string
	get  func(T) any
}

// Export returns the export table of rec: its points for a sweep, its
// training results otherwise.
func Export(rec *harness.Record) ExportTable {
	if rec.Sweep != nil || len(rec.Points) > 0 {
		return tableOf(pointColumns(), rec.Points)
	}
	type row struct {
		rec  *harness.Record
		r    harness.Result
		last harness.Eval // the last evaluation, NaN (step -1) if none
	}
	rows := make([]row, len(rec.Results))
	for i, r := range rec.Results {
		last := harness.Eval{Step: -1, Loss: math.NaN(), TrainLoss: math.NaN(), Accuracy: math.NaN(), SeqAccuracy: math.NaN()}
		if n := len(r.Evals); n > 0 {
			last = r.Evals[n-1]
		}
		rows[i] = row{rec, r, last}
	}
	cols := []column[row]{
		{"task", func(x row) any { return x.rec.Task }},
		{"model", func(x row) any { return x.r.Name }},
		{"seq_len", func(x row) any { return int64(seqLen(x.rec, x.r)) }},
		{"batch", func(x row) any { return int64(x.rec.Train.Batch) }},
		{"seed", func(x row) any { return int64(x.rec.Train.Seed) }},
	}
	for _, c := range modelColumns() {
		cols = append(cols, column[row]{c.name, func(x row) any { return c.get(x.r.Model) }})
	}
	cols = append(cols, []column[row]{
		{"params", func(x row) any { return int64(x.r.Params) }},
		{"non_embedding_params", func(x row) any { return int64(x.r.NonEmbedding) }},
		{"state_B", func(x row) any { return x.r.StateBytes }},
		{"flops_per_token", func(x row) any { return x.r.FLOPsPerToken }},
	}...)
	for _, c := range memoryColumns() {
		cols = append(cols, column[row]{c.name, func(x row) any { return c.get(x.r.Memory) }})
	}
	cols = append(cols, []column[row]{
		{"steps", func(x row) any { return int64(x.r.Steps) }},
		{"tokens", func(x row) any { return x.r.Tokens }},
		{"wall_s", func(x row) any { return x.r.WallSeconds }},
		{"tokens_per_s", func(x row) any { return x.r.TokensPerSec }},
	}...)
	for _, c := range statsColumns("step_ms") {
		cols = append(cols, column[row]{c.name, func(x row) any { return c.get(x.r.StepMs) }})
	}
	cols = append(cols, []column[row]{
		{"evals", func(x row) any { return int64(len(x.r.Evals)) }},
		{"last_eval_step", func(x row) any { return int64(x.last.Step) }},
		{"last_train_loss", func(x row) any { return x.last.TrainLoss }},
		{"last_eval_loss", func(x row) any { return x.last.Loss }},
		{"last_eval_accuracy_pct", func(x row) any { return 100 * x.last.Accuracy }},
		{"last_eval_seq_accuracy_pct", func(x row) any { return 100 * x.last.SeqAccuracy }},
		{"best_eval_step", func(x row) any { return int64(x.r.Best.Step) }},
		{"best_eval_loss", func(x row) any { return x.r.Best.Loss }},
		{"best_eval_bits_per_token", func(x row) any { return x.r.Best.Loss / math.Ln2 }},
		{"best_eval_accuracy_pct", func(x row) any { return 100 * x.r.Best.Accuracy }},
		{"status", func(x row) any { return x.r.Status }},
		{"reason", func(x row) any { return x.r.Reason }},
	}...)
	return tableOf(cols, rows)
}

func pointColumns() []column[harness.Point] {
	cols := []column[harness.Point]{
		{"index", func(p harness.Point) any { return int64(p.Index) }},
		{"model", func(p harness.Point) any { return p.Name }},
		{"T", func(p harness.Point) any { return int64(p.T) }},
		{"B", func(p harness.Point) any { return int64(p.B) }},
		{"status", func(p harness.Point) any { return p.Status }},
		{"reason", func(p harness.Point) any { return p.Reason }},
	}
	for _, c := range modelColumns() {
		cols = append(cols, column[harness.Point]{c.name, func(p harness.Point) any { return c.get(p.Model) }})
	}
	cols = append(cols, []column[harness.Point]{
		{"params", func(p harness.Point) any { return int64(p.Params) }},
		{"flops_per_token", func(p harness.Point) any { return p.FLOPsPerToken }},
		{"flops_per_step", func(p harness.Point) any { return p.FLOPsPerStep }},
		{"tokens_per_s", func(p harness.Point) any { return p.TokensPerSec }},
		{"gflop_per_s", func(p harness.Point) any { return p.GFLOPs }},
	}...)
	for _, st := range []struct {
		name string
		get  func(harness.Point) harness.Stats
	}{{"step_ms", func(p harness.Point) harness.Stats { return p.StepMs }},
		{"token_ms", func(p harness.Point) harness.Stats { return p.TokenMs }},
		{"forward_ms", func(p harness.Point) harness.Stats { return p.ForwardMs }}} {
		for _, c := range statsColumns(st.name) {
			cols = append(cols, column[harness.Point]{c.name, func(p harness.Point) any { return c.get(st.get(p)) }})
		}
	}
	for _, c := range memoryColumns() {
		cols = append(cols, column[harness.Point]{c.name, func(p harness.Point) any { return c.get(p.Memory) }})
	}
	return append(cols, []column[harness.Point]{
		{"state_B", func(p harness.Point) any { return p.StateBytes }},
		{"peak_rss_B", func(p harness.Point) any { return p.PeakRSSBytes }},
		{"rusage_maxrss_B", func(p harness.Point) any { return p.RusageRSS }},
		{"wall_s", func(p harness.Point) any { return p.WallS }},
	}...)
}

func modelColumns() []column[models.Config] {
	return []column[models.Config]{
		{"mixer", func(c models.Config) any { return c.Mixer }},
		{"mode", func(c models.Config) any { return c.Mode }},
		{"L", func(c models.Config) any { return int64(c.L) }},
		{"D", func(c models.Config) any { return int64(c.D) }},
		{"E", func(c models.Config) any { return int64(c.E()) }},
		{"H", func(c models.Config) any { return int64(c.H) }},
		{"N", func(c models.Config) any { return int64(c.N) }},
		{"mlp", func(c models.Config) any { return int64(c.MLP) }},
		{"V", func(c models.Config) any { return int64(c.V) }},
		{"dropout", func(c models.Config) any { return c.Dropout }},
	}
}

func memoryColumns() []column[models.Memory] {
	return []column[models.Memory]{
		{"memory_params_B", func(m models.Memory) any { return m.Params }},
		{"memory_grads_B", func(m models.Memory) any { return m.Grads }},
		{"memory_optimizer_B", func(m models.Memory) any { return m.Optimizer }},
		{"memory_activations_B", func(m models.Memory) any { return m.Activations }},
		{"memory_scratch_B", func(m models.Memory) any { return m.Scratch }},
		{"memory_total_B", func(m models.Memory) any { return m.Total() }},
	}
}

func statsColumns(prefix string) []column[harness.Stats] {
	return []column[harness.Stats]{
		{prefix + "_median", func(s harness.Stats) any { return s.Median }},
		{prefix + "_min", func(s harness.Stats) any { return s.Min }},
		{prefix + "_max", func(s harness.Stats) any { return s.Max }},
		{prefix + "_n", func(s harness.Stats) any { return int64(s.N) }},
	}
}

func tableOf[T any](cols []column[T], rows []T) ExportTable {
	t := ExportTable{Header: make([]string, len(cols))}
	for i, c := range cols {
		t.Header[i] = c.name
	}
	for _, r := range rows {
		row := make([]any, len(cols))
		for i, c := range cols {
			row[i] = c.get(r)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// WriteCSV writes the table as RFC 4180 CSV with a header row. Floats
// are written in the shortest form that parses back to the same bits;
// NaN (a value not measured) is an empty cell.
func (t ExportTable) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	for _, r := range t.Rows {
		rec := make([]string, len(r))
		for i, v := range r {
			rec[i] = exportCell(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the table as a JSON array of objects, keys in column
// order, one object per line; NaN is null.
func (t ExportTable) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	for i, r := range t.Rows {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n{")
		for j, v := range r {
			if j > 0 {
				bw.WriteString(",")
			}
			k, _ := json.Marshal(t.Header[j])
			bw.Write(k)
			bw.WriteString(":")
			if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
				bw.WriteString("null")
				continue
			}
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			bw.Write(b)
		}
		bw.WriteString("}")
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

func exportCell(v any) string {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return ""
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// WriteCSVExport writes rec's export table to dir: PointCSV for a sweep,
// RunCSV for a training run, atomically. It returns the path written.
func WriteCSVExport(dir string, rec *harness.Record) (string, error) {
	name := RunCSV
	if rec.Sweep != nil || len(rec.Points) > 0 {
		name = PointCSV
	}
	var b bytes.Buffer
	if err := Export(rec).WriteCSV(&b); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	if err := harness.WriteFileAtomic(path, b.Bytes()); err != nil {
		return "", fmt.Errorf("reports: writing %s: %w", path, err)
	}
	return path, nil
}
