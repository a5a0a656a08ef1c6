// The recurrent steps on the native backend (its GEMM around the wasm gate kernels) with every
// instruction-set variant this CPU runs forced, against PyTorch's fixtures (tools/make-rnn-fixtures.py):
// outputs, states and all gradients, variable-length batches included. rnn.test.ts runs the same
// fixtures on the default variant; this adds the others.
import { test } from "node:test";
import * as zd from "../../src/index.js";
import { loadFixture } from "../helpers/fixtures.js";
import { BACKENDS } from "../helpers/on-backend.js";
import { loadNativeAddon } from "../../src/node/native-addon.js";
import { checkLayerCase, onBackend } from "./rnn-helpers.js";

const addon = BACKENDS.includes("native") ? loadNativeAddon().addon : null;

if (addon) {
  for (const isa of addon.isas()) {
    test(`rnn fixtures on native (${isa}): every cell, with and without lengths`, () => {
      addon.selectIsa(isa);
      try {
        onBackend("native", () => {
          for (const c of Object.values(loadFixture("rnn-layers"))) checkLayerCase(c);
          for (const c of Object.values(loadFixture("rnn-packed"))) checkLayerCase(c, c.lengths as number[]);
        });
      } finally {
        addon.selectIsa(zd.backendInfo().native.isa ?? "auto");
      }
    });
  }
}
