// Package claims checks the claims of Feng et al. 2024 ("Were RNNs All We
// Needed?") and of its critics with one plan of experiments: each preset
// is a list of ordinary bench experiments (training runs and a sweep on
// the experiment engine, harness.Engine), each in its own folder; the
// verdicts (verdict.go) are explicit rules over their records and the
// published figures of package paper; report.go writes claims.md.
//
// The claims, numbered as in the README:
//  1. minGRU/minLSTM train 175×–1324× faster per step than GRU/LSTM.
//  2. They use ~88% more training memory than GRU/LSTM; Mamba ~56% more than minGRU.
//  3. They solve selective copying with enough layers (1 layer ~37%, 2 layers 86–97%, 3 layers 96–99.5%).
//  4. They match a Transformer and Mamba on character-level Shakespeare (1.548 vs 1.547 vs 1.575 nats).
//  5. Critics: the tasks favour gating; state tracking (parity) and recall (MQAR) separate the models.
//  6. Critics: the speed claims compare against a non-cuDNN GRU.
package claims

import "slices"

// Experiment is one experiment of a preset: `bench run` with Args, its
// results in <claims folder>/<Name>.
type Experiment struct {
	Name   string   // folder inside the claims folder
	Claims []int    // the claims it measures
	Args   []string // bench run flags, without --out, --resume, --shard, --jobs, --dry-run
}

// Preset is a named plan.
type Preset struct {
	Name        string
	Note        string // scale and expected cost
	Experiments []Experiment
}

// Presets lists the preset names.
var Presets = []string{"quick", "paper", "tiny"}

// Experiment folder names.
const (
	ExpSweep  = "sweep"          // claims 1, 2, 6
	ExpCopy   = "selective-copy" // claim 3
	ExpCharLM = "char-lm"        // claim 4
	ExpParity = "parity"         // claim 5, state tracking
	ExpMQAR   = "mqar"           // claim 5, recall
)

// Models of each experiment.
const (
	sweepModels = "mingru,minlstm,gru,lstm,mamba"
	copyModels  = "mingru,minlstm"
	charModels  = "mingru,minlstm,transformer,mamba"
	synthModels = "all"
	copyLayers  = "1,2,3"
	gridLR      = "1e-3,3e-3"
	gridSeeds   = "3"
	minRNNMode  = "parallel"
)

// Plan returns the named preset; data, if not empty, is the char-lm
// corpus (--data). ok is false for an unknown name.
//
// tiny: seconds, for tests: every experiment at D = 8, a few steps.
// quick: small widths and lengths, 3 seeds, lr ∈ {1e-3, 3e-3}, on 2 cores
// (README gives the measured time, or says it is not yet measured).
// paper: the paper's own scales (bench run --preset paper per task; the
// sweep's full preset at the paper's batch 64), 3 seeds: for a cluster
// (shards, then bench claims --merge).
func Plan(name, data string) (Preset, bool) {
	var p Preset
	switch name {
	case "tiny":
		small := []string{"--dim", "8", "--batch", "4", "--steps", "6", "--eval-every", "3", "--eval-batches", "2", "--seeds", "2"}
		p = Preset{Name: name, Note: "seconds: every experiment at D = 8 and a few steps (tests)", Experiments: []Experiment{
			{ExpSweep, []int{1, 2, 6}, []string{"--task", "sweep", "--model", sweepModels, "--mode", minRNNMode, "--lengths", "16", "--dim", "8", "--batch", "2", "--repeats", "5"}},
			{ExpCopy, []int{3}, append([]string{"--task", "selective-copy", "--model", copyModels, "--layers", copyLayers, "--seq-len", "16", "--copy-tokens", "2"}, small...)},
			{ExpCharLM, []int{4}, append([]string{"--task", "char-lm", "--model", charModels, "--layers", "1", "--seq-len", "16", "--heads", "2"}, small...)},
			{ExpParity, []int{5}, append([]string{"--task", "parity", "--model", "lstm,mingru,transformer", "--layers", "1", "--heads", "2", "--train-lengths", "1-6", "--eval-lengths", "8,12"}, small...)},
			{ExpMQAR, []int{5}, append([]string{"--task", "mqar", "--model", "lstm,mingru,transformer", "--layers", "1", "--heads", "2", "--vocab", "80"}, small...)},
		}}
	case "quick":
		grid := []string{"--seeds", gridSeeds, "--lr", gridLR}
		p = Preset{Name: name, Note: "2-core machine: D = 32-64, T ≤ 1024 (sweep), 3 seeds × lr {1e-3, 3e-3}", Experiments: []Experiment{
			{ExpSweep, []int{1, 2, 6}, []string{"--task", "sweep", "--preset", "quick", "--model", sweepModels, "--mode", minRNNMode}},
			{ExpCopy, []int{3}, append([]string{"--task", "selective-copy", "--model", copyModels, "--layers", copyLayers,
				"--seq-len", "32", "--copy-tokens", "4", "--dim", "32", "--steps", "800"}, grid...)},
			{ExpCharLM, []int{4}, append([]string{"--task", "char-lm", "--model", charModels, "--layers", "2", "--dim", "64",
				"--seq-len", "64", "--steps", "300", "--eval-batches", "4"}, grid...)},
			{ExpParity, []int{5}, append([]string{"--task", "parity", "--model", synthModels, "--steps", "1000"}, grid...)},
			{ExpMQAR, []int{5}, append([]string{"--task", "mqar", "--model", synthModels, "--steps", "1000"}, grid...)},
		}}
	case "paper":
		seeds := []string{"--seeds", gridSeeds}
		p = Preset{Name: name, Note: "the paper's scales: GPU-days on a CPU cluster; run it as shards and merge", Experiments: []Experiment{
			{ExpSweep, []int{1, 2, 6}, []string{"--task", "sweep", "--preset", "full", "--model", sweepModels, "--mode", minRNNMode, "--batch", "64"}},
			{ExpCopy, []int{3}, append([]string{"--task", "selective-copy", "--preset", "paper", "--model", copyModels, "--layers", copyLayers}, seeds...)},
			{ExpCharLM, []int{4}, append([]string{"--task", "char-lm", "--preset", "paper", "--model", charModels}, seeds...)},
			{ExpParity, []int{5}, append([]string{"--task", "parity", "--preset", "paper", "--model", synthModels}, seeds...)},
			{ExpMQAR, []int{5}, append([]string{"--task", "mqar", "--preset", "paper", "--model", synthModels}, seeds...)},
		}}
	default:
		return Preset{}, false
	}
	if data != "" {
		for i := range p.Experiments {
			if p.Experiments[i].Name == ExpCharLM {
				p.Experiments[i].Args = append(slices.Clone(p.Experiments[i].Args), "--data", data)
			}
		}
	}
	return p, true
}
