/** nn.utils: helpers around training (PyTorch's torch.nn.utils). Re-exports only. */
export { clipGradNorm, clipGradValue, type ClipGradNormOptions, type GradTensors } from "./clip.js";
