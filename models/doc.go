// Package models holds rnnbench's language models: one shared backbone
// (token embedding → L pre-norm residual blocks → RMSNorm → linear head)
// whose sequence mixer is chosen by name — minGRU, minLSTM, GRU, LSTM,
// Transformer (causal attention with RoPE) or Mamba (S6 selective scan).
//
// Shapes follow the legend of package tensor: B batch, T sequence length,
// D model width, E hidden width (expansion·D), V vocabulary, N state size,
// H heads, L layers. Every Forward keeps its activations in buffers made
// once by Alloc through a tensor.Arena, so the bytes kept for backward are
// counted exactly; every Backward is written out by hand (llm.c style).
package models
