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
  /** Architecture within a family: dense | conv (autoencoder), mlp | dcgan (gan). */
  variant?: "dense" | "conv" | "mlp" | "dcgan";
  /** Size of the latent code (autoencoder, gan). */
  latent?: number;
  /** Standard deviation of the input noise of a denoising autoencoder. */
  noise?: number;
  /** Time budget of the training loop in minutes (char-lstm). */
  minutes?: number;
  /** Time steps per truncated-BPTT chunk (char-lstm). */
  seqLength?: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}
