/** Flags of `zendl train` as commander parses them; each family reads the ones it understands. */
export interface TrainFlags {
  dataset: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: "sgd" | "adam";
  seed: number;
  hidden?: number[];
  /** Epochs of RBM pre-training per layer (dbn). */
  pretrainEpochs?: number;
  /** Persistent contrastive divergence instead of CD-1 (rbm, dbn). */
  persistent?: boolean;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}
