// Package nn holds rnnbench's layers, each an explicit Forward/Backward pair
// in the style of llm.c: Forward writes its output and keeps what Backward
// needs in buffers allocated once (counted through tensor.Arena); Backward
// accumulates (+=) into the input gradient and the parameter gradients.
// Shapes follow the legend in package tensor (B, T, D, E, V, N, H, L).
package nn
