/**
 * The optional recurrent-step kernels and their types: one call per time step, its GEMM included,
 * so a backend can split a step by rows. `recurrentScan` (recurrent.ts) drives them, and composes the
 * steps from tensor ops (recurrent-composite.ts) when a backend lacks them.
 */
import type { View } from "../../backend/backend.js";
import { hasKernels, type Backend } from "../../backend/backend.js";

/** The cell of a recurrent layer: its gates, in PyTorch's order, and how many (G) there are. */
export type RecurrentCell = "lstm" | "gru" | "rnnTanh" | "rnnRelu";

/**
 * One time step of a recurrent layer over a batch: `batch` rows of `hidden` units, G gate blocks of
 * `hidden` each per row (LSTM i, f, g, o: G = 4; GRU r, z, n: G = 3; plain RNN: G = 1). Every view is
 * a contiguous row block (any offset) of one float dtype. `mask` [batch] is 1 where the step is real
 * and 0 where the row is padding: there the state passes through unchanged.
 */
export interface RecurrentStep {
  readonly cell: RecurrentCell;
  readonly batch: number;
  readonly hidden: number;
  /** [batch, G·hidden]: this step's input projection x·W_ihᵀ (plus b_ih, and b_hh but for a GRU). */
  readonly x: View;
  /** W_hh [G·hidden, hidden], any strides. */
  readonly weight: View;
  /**
   * True on the first step of a pass over a sequence (forward or backward): from then until the pass
   * ends `weight` does not change, so a backend may keep a derived form of it (a packed copy).
   */
  readonly first: boolean;
  /**
   * [batch, G·hidden] scratch, starting at offset 0 of its storage: the forward step writes h_prev·W_hhᵀ.
   */
  readonly hh: View;
  /**
   * [G·hidden] or null: a bias added to hh. LSTM and RNN: b_ih + b_hh (where it is added makes no
   * difference); GRU: b_hh, which for n sits inside the reset gate, as in PyTorch.
   */
  readonly bias: View | null;
  readonly hPrev: View;
  /** LSTM only: the previous cell state; else null. */
  readonly cPrev: View | null;
  readonly mask: View | null;
  /** [batch, G·hidden]: written by the forward step (gate activations), read by the backward step. */
  readonly gates: View;
  readonly hNext: View;
  readonly cNext: View | null;
  /** GRU only: [batch, hidden] hh_n + b_hn, written forward and read backward; else null. */
  readonly extra: View | null;
}

/** The gradients one backward step reads and writes (all [batch, ·] contiguous row blocks). */
export interface RecurrentStepGrad {
  /** In: dLoss/dh_next carried from later steps. Out: dLoss/dh_prev. Offset 0 of its storage. */
  readonly dH: View;
  /** Gradient of this step's output from the layers above (added to dH), or null. */
  readonly dOut: View | null;
  /** LSTM: in dLoss/dc_next, out dLoss/dc_prev; else null. */
  readonly dC: View | null;
  /** Out [batch, G·hidden]: dLoss/d(x projection). */
  readonly dX: View;
  /** GRU only, out [batch, 3·hidden]: dLoss/d(hh + b_hh) (its n block differs from dX's); else null. */
  readonly dHh: View | null;
}

declare module "../../backend/backend.js" {
  interface OptionalKernels {
    /**
     * One forward step: hh = h_prev·W_hhᵀ, then pre-activations x + hh (+ bias), gate nonlinearities
     * and the new state in one pass. LSTM: c' = f·c + i·g, h' = o·tanh(c'). GRU: n = tanh(x_n + r·(hh_n
     * + b_hn)), h' = (1 − z)·n + z·h. RNN: h' = tanh or relu(x + hh). Masked rows keep h (and c).
     */
    recurrentForward(step: RecurrentStep): void;
    /**
     * The adjoint of `recurrentForward` for one step, from the gates and states it saved; it ends with
     * dH += (dHh for a GRU, else dX)·W_hh, so dH leaves as dLoss/dh_prev.
     */
    recurrentBackward(step: RecurrentStep, grad: RecurrentStepGrad): void;
  }
}

/** Gate blocks per cell: LSTM i, f, g, o; GRU r, z, n; a plain RNN has one. */
export function gateCount(cell: RecurrentCell): number {
  return cell === "lstm" ? 4 : cell === "gru" ? 3 : 1;
}

/** True when `backend` has both recurrent-step kernels. */
export function hasRecurrentKernels(backend: Backend): boolean {
  return hasKernels(backend, "recurrentForward", "recurrentBackward");
}
