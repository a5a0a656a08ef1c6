/** Options and monitoring records of `BernoulliRBM` (src/models/rbm.ts). */

export interface BernoulliRBMOptions {
  /** Hidden units. Default 256. */
  nComponents?: number;
  /** Optimizer step size. Default 0.1 (scikit-learn's). */
  learningRate?: number;
  /** Samples per update. Default 10. */
  batchSize?: number;
  /** Epochs of `fit`. Default 10. */
  nIter?: number;
  /** Gibbs steps per update (the k of CD-k). Default 1. */
  k?: number;
  /** Persistent CD: the negative chain carries over between updates instead of restarting at the data. */
  persistent?: boolean;
  /** "sgd" (default) or "adam". */
  optimizer?: "sgd" | "adam";
  /** SGD momentum. Default 0. */
  momentum?: number;
  /** L2 penalty on the weights (not the biases). Default 0. */
  weightDecay?: number;
  /** Seed of the initial weights and of every Gibbs sample. Default: a random seed. */
  randomState?: number;
  /** Visible units; given, the weights exist before `fit` (as `zd.load` needs). Default: X's columns. */
  nFeatures?: number;
  /** Print one line per epoch on stderr. */
  verbose?: boolean;
}

/** Monitoring figures after each epoch of `fit`, on the training data. */
export interface RBMEpochLog {
  epoch: number; reconstructionError: number; pseudoLogLikelihood: number; seconds: number;
}
