package tasks

// Families of registered tasks.
const (
	FamilyFormal = "formal" // trained on short inputs, tested on long ones
	FamilyRecall = "recall" // associative recall at one length
)

// Options are the task flags a constructor reads (zero where unused).
type Options struct {
	Pairs int // mqar: key–value pairs (--pairs)
	Vocab int // mqar: vocabulary V (--vocab)
}

// Spec is one registered synthetic task: what `bench list --task NAME`
// describes and `bench run --task NAME` runs. Adding a task is its file,
// its test and one line in Registry.
type Spec struct {
	Name    string
	Family  string
	Source  string   // the file its layout follows
	Flags   []string // task flags beyond the common ones (without --)
	New     func(o Options) Generator
	Example string // one-line description of the layout
	// QuickSteps and PaperSteps are the training steps of the quick preset
	// (minutes on 2 cores) and of the official configuration.
	QuickSteps, PaperSteps int
}

// Registry lists the synthetic tasks in the order reports show them.
var Registry = []Spec{
	{"parity", FamilyFormal, "BorealisAI/minRNNs data/parity_check.py", formalFlags, func(Options) Generator { return Parity{} },
		"bits^L, EMPTY → sum mod 2", 1500, 500_000},
	{"even-pairs", FamilyFormal, "BorealisAI/minRNNs data/even_pairs.py", formalFlags, func(Options) Generator { return EvenPairs{} },
		"bits^L, EMPTY → #(x_i ≠ x_i+1) mod 2", 1500, 100_000},
	{"cycle-nav", FamilyFormal, "BorealisAI/minRNNs data/cycle_nav.py", formalFlags, func(Options) Generator { return CycleNav{} },
		"actions {0,1,2}^L (−1/0/+1), EMPTY → position mod 5", 1500, 500_000},
	{"bucket-sort", FamilyFormal, "BorealisAI/minRNNs data/bucket_sort.py", formalFlags, func(Options) Generator { return BucketSort{} },
		"tokens {0..9}^L, EMPTY^L → the sorted tokens", 1500, 500_000},
	{"majority", FamilyFormal, "BorealisAI/minRNNs data/majority.py", formalFlags, func(Options) Generator { return Majority{} },
		"tokens {0..62}^L, EMPTY → most frequent, ties → larger id", 1500, 500_000},
	{"majority-count", FamilyFormal, "BorealisAI/minRNNs data/majority_count.py", formalFlags, func(Options) Generator { return MajorityCount{} },
		"tokens {0..62}^L, EMPTY → count of the most frequent (clamped to 63)", 1500, 500_000},
	{"missing-duplicate", FamilyFormal, "BorealisAI/minRNNs data/missing_duplicate.py", formalFlags, func(Options) Generator { return MissingDuplicate{} },
		"tokens {0..8}^L, tokens[:m], EMPTY → tokens[m]", 1500, 500_000},
	{"mqar", FamilyRecall, "HazyResearch/zoology zoology/data/multiquery_ar.py", []string{"setting", "seq-len", "pairs", "vocab"},
		func(o Options) Generator { return MQAR{Pairs: o.Pairs, Vocab: o.Vocab} },
		"k₁ v₁ … k_P v_P, then queries of the keys → each queried key's value", 3000, 12_500},
}

// formalFlags are the flags of every formal-language task.
var formalFlags = []string{"train-lengths", "eval-lengths"}

// Lookup returns the registered task called name.
func Lookup(name string) (Spec, bool) {
	for _, s := range Registry {
		if s.Name == name {
			return s, true
		}
	}
	return Spec{}, false
}

// Names returns the names of the registered tasks of a family ("" for
// all), in registry order.
func Names(family string) []string {
	var out []string
	for _, s := range Registry {
		if family == "" || s.Family == family {
			out = append(out, s.Name)
		}
	}
	return out
}
