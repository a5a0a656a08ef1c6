/**
 * The training loop reports through typed events; progress bars, logs and callbacks all consume
 * them, so the loop never knows about a terminal or a UI.
 */
export type Logs = Record<string, number>;

export interface TrainBeginEvent {
  type: "trainBegin"; epochs: number; stepsPerEpoch: number; samples: number;
  /** Epochs already done before this call (non-zero when resuming from a checkpoint). */
  initialEpoch?: number;
}
export interface EpochBeginEvent { type: "epochBegin"; epoch: number; epochs: number }
export interface BatchEndEvent {
  type: "batchEnd"; epoch: number; step: number; stepsPerEpoch: number; batchSize: number; loss: number;
  /** Optimizer steps since training began (across resumes). */
  globalStep?: number;
}
export interface EpochEndEvent {
  type: "epochEnd"; epoch: number; epochs: number; logs: Logs; seconds: number;
  /** Bytes held by the backend at the end of the epoch (see `zd.memory()`). */
  memoryBytes: number;
}
export interface TrainEndEvent { type: "trainEnd"; epochsRun: number; seconds: number; stoppedEarly: boolean }

export type TrainEvent = TrainBeginEvent | EpochBeginEvent | BatchEndEvent | EpochEndEvent | TrainEndEvent;
