/**
 * nn.functional: stateless layers and losses (PyTorch's torch.nn.functional).
 * Activations re-export the core ops; losses live in losses.ts.
 */
export {
  relu, sigmoid, tanh, leakyRelu, elu, softplus,
} from "../core/ops/elementwise.js";
export { softmax, logSoftmax, gelu, silu, logSigmoid } from "../core/composite.js";
