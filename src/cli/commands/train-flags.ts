/** Flags of `zendl train` as commander parses them; each family reads the ones it understands. */
export interface TrainFlags {
  dataset: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: "sgd" | "adam";
  seed: number;
  hidden?: number[];
  out?: string;
  json?: boolean;
  quiet?: boolean;
}
