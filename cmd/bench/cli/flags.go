package cli

import (
	"regexp"
	"strings"
	"time"

	"rnnbench/models"

	"github.com/urfave/cli/v2"

	"rnnbench/tasks"
)

// runFlags are the flags of `bench run`. A flag left unset takes its value
// from the preset (see presets.go); the defaults shown are the quick
// preset's for selective copying.
func runFlags() []cli.Flag {
	return withPresetDefaults(append([]cli.Flag{
		&cli.StringFlag{Name: "config", Usage: "read the flags from this TOML experiment file: each key a flag name (model, layers, seeds, lr, steps, ...), lists for lists, a [task] table for one task's keys, task = [...] for one experiment per task in <out>/<task>; flags given on the command line override it; examples in examples/"},
		&cli.StringFlag{Name: "task", Value: "selective-copy", Usage: "task: selective-copy (Gu & Dao 2023 §3.1), char-lm (character-level text, tiny Shakespeare by default), sweep (training and inference cost against sequence length), formal (every formal language, trained short and tested long), " + strings.Join(tasks.Names(""), ", ") + " (bench list --task NAME)"},
		&cli.StringFlag{Name: "model", Value: "mingru", Usage: "model: " + strings.Join(models.MixerNames, ", ") + ", a comma-separated list, or all (--task sweep: default all)"},
		&cli.StringFlag{Name: "mode", Usage: "training mode of minGRU/minLSTM: parallel (log-space scan, Heinsen 2023), sequential (step-by-step recurrence), linear (linear-space scan) or chunked (chunked parallel scan), or all; default parallel (--task sweep: default all)"},
		&cli.StringFlag{Name: "preset", Value: "quick", Usage: "settings to start from: quick (minutes on 2 cores) or paper (the paper's setting; hours to days); for --task sweep: quick (T 64..1024) or full (T 64..4096)"},
		&cli.StringFlag{Name: "layers", Usage: "L, number of residual blocks, or a comma-separated list (1,2,3): every model at each size (preset: 2)"},
		&cli.IntFlag{Name: "dim", Usage: "D, model width (preset: 64)"},
		&cli.IntFlag{Name: "expansion", Usage: "E = expansion·D, hidden width of the RNNs and Mamba (preset: 2)"},
		&cli.IntFlag{Name: "heads", Usage: "H, attention heads of the transformer; must divide D (preset: 4)"},
		&cli.IntFlag{Name: "state", Usage: "N, state size per channel of Mamba's S6 (preset: 16)"},
		&cli.IntFlag{Name: "mlp", Usage: "MLP hidden width as a multiple of D after each mixer, 0 for none (preset: 0 for selective-copy, 4 for char-lm)"},
		&cli.IntFlag{Name: "params", Usage: "size each model's width D so that its non-embedding parameters land within 10% of this count (Long Range Arena rule); overrides --dim (preset: off)"},
		&cli.IntFlag{Name: "seq-len", Usage: "T, tokens per sequence fed to the model, including the copy markers (preset: 64 selective-copy, 128 char-lm)"},
		&cli.IntFlag{Name: "copy-tokens", Usage: "K, data tokens to copy in selective-copy; 1 ≤ K ≤ T/2 (preset: 8)"},
		&cli.IntFlag{Name: "batch", Usage: "B, sequences per training step (preset: 32)"},
		&cli.IntFlag{Name: "steps", Usage: "maximum training steps (preset: 3000 selective-copy, 1000 char-lm)"},
		&cli.StringFlag{Name: "lr", Usage: "peak learning rate of AdamW, or a comma-separated list (1e-3,3e-3): a grid, every value one run per model and seed; the report picks each model's best on held-out data (preset: 3e-3)"},
		&cli.Float64Flag{Name: "lr-min", Usage: "learning rate at the end of the cosine decay (preset: lr/10)"},
		&cli.IntFlag{Name: "warmup", Usage: "linear warm-up steps; when not given and the preset's warm-up is ≥ --steps, steps/10 (preset: 100)"},
		&cli.StringFlag{Name: "weight-decay", Usage: "AdamW decoupled weight decay on matrices, or a comma-separated list (0,0.1): a grid like --lr (preset: 0.1)"},
		&cli.Float64Flag{Name: "beta2", Usage: "AdamW β2 (preset: 0.99)"},
		&cli.Float64Flag{Name: "clip", Usage: "gradient-norm clipping threshold, 0 for none (preset: 1.0)"},
		&cli.Float64Flag{Name: "dropout", Usage: "dropout on each residual branch during training, in [0, 1) (preset: 0)"},
		&cli.IntFlag{Name: "eval-every", Usage: "steps between evaluations on held-out data (preset: 100)"},
		&cli.IntFlag{Name: "eval-batches", Usage: "held-out batches per evaluation (preset: 8)"},
		&cli.BoolFlag{Name: "eval-full", Usage: "char-lm: evaluate on the whole validation text instead of a fixed seeded set of windows"},
		&cli.Float64Flag{Name: "target-acc", Usage: "stop a model early once its held-out per-token accuracy reaches this, 0 to never stop (preset: 0.99 selective-copy, 0 char-lm)"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "seed for parameters, training data and dropout; evaluation data uses a separate held-out seed (seed + 1000003)"},
		&cli.StringFlag{Name: "seeds", Usage: "train every model (and grid point) at several seeds: a count n for the seeds 1..n, or a list such as 1,2,3; the report gives mean ± std and min–max over seeds (replaces --seed)"},
		&cli.StringFlag{Name: "data", Usage: "char-lm: any text file; default tiny Shakespeare from the user cache folder (downloaded and checksum-verified if absent)"},
		&cli.IntFlag{Name: "sample", Value: 300, Usage: "char-lm: characters to generate from each trained model through the recurrent step API, 0 for none"},
		&cli.Float64Flag{Name: "temperature", Value: 0.8, Usage: "char-lm: sampling temperature, > 0"},
		&cli.IntFlag{Name: "top-k", Value: 0, Usage: "char-lm: sample only from the k most likely characters, 0 for all"},
		&cli.StringFlag{Name: "lengths", Usage: "sweep: comma-separated sequence lengths T to measure, e.g. 64,128,256 (preset: 64..1024 quick, 64..4096 full)"},
		&cli.StringFlag{Name: "max-mem", Usage: "sweep: skip points whose analytic memory exceeds this: bytes, a size such as 8GiB or 500MB, or a percentage of physical memory (default 75%)"},
		&cli.DurationFlag{Name: "point-timeout", Value: 10 * time.Minute, Usage: "sweep: kill a point's process after this long and record the point as skipped"},
		&cli.IntFlag{Name: "repeats", Usage: "sweep: timed training steps (and timed forwards) per point, ≥ 5 (preset: 5)"},
		peerFlag, // sweepflags.go
		&cli.StringFlag{Name: "shard", Usage: "run only the units (training runs or sweep points) with index ≡ i (mod n), given as i/n; bench merge joins the shards' folders; default from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with --shard-count"},
		&cli.IntFlag{Name: "shard-count", Usage: "number of shards n when the shard index i comes from a Kubernetes indexed Job's JOB_COMPLETION_INDEX"},
		&cli.IntFlag{Name: "jobs", Value: 1, Usage: "units run at once, each in its own child process of bench (results are the same bits as --jobs 1). Sweep points are timed: more than 1 at once perturbs their timings, so keep 1 for --task sweep unless you accept that"},
		&cli.StringFlag{Name: "out", Usage: "output folder (default results/<task>-<model>-<UTC time>); must not be a file"},
		&cli.StringFlag{Name: "resume", Usage: "continue the interrupted run or sweep in this folder (its --out), given the flags it was started with: finished units (a model at one seed and grid point, or a sweep point) are kept and not run again, a unit with a checkpoint continues from it; a folder another bench process is writing is refused"},
		&cli.IntFlag{Name: "checkpoint-every", Usage: "save each unit's parameters and optimiser state to <out>/checkpoints every N steps and when interrupted, so that --resume continues it mid-training (preset: 0, off)"},
		&cli.BoolFlag{Name: "dry-run", Usage: "check every flag and input file, print what would run (models, parameters, analytic memory), and exit: nothing is trained or written"},
		&cli.BoolFlag{Name: "quiet", Usage: "no progress lines on stderr"},
	}, fidelityFlags()...)) // official.go
}

// presetNote matches the "(preset: …)" at the end of a flag's usage.
var presetNote = regexp.MustCompile(`\s*\(preset: (.*)\)$`)

// withPresetDefaults moves each "(preset: …)" note of a numeric flag into
// its DefaultText, so --help shows the preset's value rather than the zero
// that means "take it from the preset".
func withPresetDefaults(flags []cli.Flag) []cli.Flag {
	for _, f := range flags {
		switch f := f.(type) {
		case *cli.IntFlag:
			if m := presetNote.FindStringSubmatch(f.Usage); m != nil {
				f.Usage, f.DefaultText = presetNote.ReplaceAllString(f.Usage, ""), m[1]
			}
		case *cli.Float64Flag:
			if m := presetNote.FindStringSubmatch(f.Usage); m != nil {
				f.Usage, f.DefaultText = presetNote.ReplaceAllString(f.Usage, ""), m[1]
			}
		case *cli.StringFlag:
			if m := presetNote.FindStringSubmatch(f.Usage); m != nil {
				f.Usage, f.DefaultText = presetNote.ReplaceAllString(f.Usage, ""), m[1]
			}
		}
	}
	return flags
}
