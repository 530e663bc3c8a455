package models

// Source names where each mixer's equations come from.
var Source = map[string]string{
	"mingru":      "Feng et al. 2024, arXiv 2410.01201, §3 (minGRU, log-space form in §3 and the appendix)",
	"minlstm":     "Feng et al. 2024, arXiv 2410.01201, §3 (minLSTM, log-space form in §3 and the appendix)",
	"gru":         "Cho et al. 2014; PyTorch nn.GRU documentation",
	"lstm":        "Hochreiter & Schmidhuber 1997; PyTorch nn.LSTM documentation",
	"transformer": "Vaswani et al. 2017 (causal attention); Su et al. 2021 (RoPE)",
	"mamba":       "Gu & Dao 2023, arXiv 2312.00752, §3 and Algorithm 2 (S6)",
}
