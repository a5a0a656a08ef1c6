/**
 * What an exported model takes and returns: the graph's inputs and outputs, which axis of each is the
 * batch (a time-major recurrent layer's is axis 1), and the per-sample input shape when the model
 * itself says what it is.
 */
import { CharLSTM } from "../../models/char-lstm.js";
import { Autoencoder } from "../../models/autoencoder.js";
import { GAN } from "../../models/gan.js";
import { RBFLayer } from "../../models/rbf-layer.js";
import { BernoulliRBM } from "../../models/rbm.js";
import { SequenceClassifier } from "../../models/sequence-classifier.js";
import { Sequential } from "../../nn/layers/container.js";
import { Embedding } from "../../nn/layers/embedding.js";
import { Linear } from "../../nn/layers/linear.js";
import { GRUCell, LSTMCell, RNNCell } from "../../nn/layers/rnn-cells.js";
import { GRU, LSTM, RNN } from "../../nn/layers/rnn.js";
import type { AnyModule } from "../../nn/module.js";
import type { OnnxElementType } from "./proto.js";

/** One graph input or output: its name, which axis is the batch, which (if any) is the time. */
export interface Port { name: string; batchAxis: number; timeAxis?: number; dtype?: OnnxElementType }

export interface Signature {
  inputs: Port[];
  outputs: Port[];
  /** Extra inputs after the first: their per-sample shapes follow from the first's probe. */
  stateShape?: (batch: number) => number[];
}

const isRecurrentLayer = (m: AnyModule): m is RNN | GRU | LSTM =>
  m instanceof RNN || m instanceof GRU || m instanceof LSTM;

/** The graph's ports for a top-level module. */
export function signatureOf(model: AnyModule): Signature {
  if (model instanceof CharLSTM) {
    const layers = model.numLayers, hidden = model.hiddenSize;
    return {
      inputs: [{ name: "ids", batchAxis: 0, timeAxis: 1, dtype: "int32" }, { name: "h0", batchAxis: 1 },
        { name: "c0", batchAxis: 1 }],
      outputs: [{ name: "logits", batchAxis: 0, timeAxis: 1 }, { name: "h_n", batchAxis: 1 },
        { name: "c_n", batchAxis: 1 }],
      stateShape: (batch) => [layers, batch, hidden],
    };
  }
  if (isRecurrentLayer(model)) {
    const axis = model.batchFirst ? 0 : 1, time = 1 - axis;
    const states = [{ name: "h_n", batchAxis: 1 },
      ...(model instanceof LSTM ? [{ name: "c_n", batchAxis: 1 }] : [])];
    return { inputs: [{ name: "input", batchAxis: axis, timeAxis: time }],
      outputs: [{ name: "output", batchAxis: axis, timeAxis: time }, ...states] };
  }
  if (model instanceof LSTMCell) {
    return { inputs: [{ name: "input", batchAxis: 0 }],
      outputs: [{ name: "h", batchAxis: 0 }, { name: "c", batchAxis: 0 }] };
  }
  if (model instanceof RNNCell || model instanceof GRUCell) {
    return { inputs: [{ name: "input", batchAxis: 0 }], outputs: [{ name: "h", batchAxis: 0 }] };
  }
  const ids = model instanceof Embedding || (model instanceof Sequential && model.length > 0 &&
    model.at(0) instanceof Embedding);
  return { inputs: [{ name: "input", batchAxis: 0, dtype: ids ? "int32" : "float32" }],
    outputs: [{ name: "output", batchAxis: 0 }] };
}

/** The shape of one input sample when the model knows it (null when it does not). */
export function defaultInputShape(model: AnyModule): number[] | null {
  if (model instanceof Autoencoder) return [...model.inputShape];
  if (model instanceof GAN) return [model.latentSize];
  if (model instanceof BernoulliRBM) return model.nFeatures > 0 ? [model.nFeatures] : null;
  if (model instanceof RBFLayer || model instanceof Linear) return [model.inFeatures];
  if (model instanceof CharLSTM) return [16];
  if (model instanceof SequenceClassifier) return null;
  if (model instanceof RNNCell || model instanceof GRUCell || model instanceof LSTMCell) {
    return [model.inputSize];
  }
  if (model instanceof Sequential && model.length > 0) return defaultInputShape(model.at(0));
  return null;
}
