// The recurrent models: a sequence classifier on digits read row by row, and the character LSTM
// trained by truncated BPTT, sampled, saved and loaded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zd from "../../src/index.js";
import { data, models, nn, optim } from "../../src/index.js";

test("SequenceClassifier: a GRU reading digits row by row (8 steps of 8 pixels), accuracy >= 0.95", () => {
  zd.manualSeed(0);
  const { x, y } = data.loadDigits();
  const [xtr, xte, ytr, yte] = data.trainTestSplit(x.div(16), y, { testSize: 0.25, seed: 0 });
  const clf = new models.SequenceClassifier({ inputSize: 8, numClasses: 10, cell: "gru", hiddenSize: 64 });
  zd.fit(clf, xtr.reshape([-1, 8, 8]), ytr, { loss: (o, t) => nn.functional.crossEntropy(o, t),
    optimizer: new optim.Adam(clf.parameters(), { lr: 5e-3 }), epochs: 15, batchSize: 32, seed: 0,
    verbose: 0 });
  // flat rows [N, 64] are read the same way as [N, 8, 8]
  const accuracy = zd.metrics.accuracy(zd.predict(clf, xte), yte);
  assert.ok(accuracy >= 0.95, `test accuracy ${accuracy}`);
  assert.throws(() => clf.forward(zd.randn([2, 7])),
    /SequenceClassifier: expected sequences \[batch, time, 8\]/);
});

function tinyCorpus(): { ids: Int32Array; vocab: zd.data.CharVocabulary } {
  const text = "the cat sat on the mat. ".repeat(60);
  const vocab = data.CharVocabulary.fromText(text);
  return { ids: vocab.encode(text), vocab };
}

const lossOf = (vocabSize: number) => (o: zd.Tensor, t: zd.Tensor): zd.Tensor =>
  nn.functional.crossEntropy(o.reshape([-1, vocabSize]), t.reshape([-1]));

test("CharLSTM learns a repetitive text with fitSequence (state carried, detached between chunks)", () => {
  zd.manualSeed(1);
  const { ids, vocab } = tinyCorpus();
  const model = new models.CharLSTM({ vocabSize: vocab.size, embeddingDim: 8, hiddenSize: 32 });
  const train = new data.SequenceBatchLoader(ids, { batchSize: 4, seqLength: 24 });
  const history = zd.fitSequence(model, train, { loss: lossOf(vocab.size), epochs: 12, clipGradNorm: 5,
    optimizer: new optim.Adam(model.parameters(), { lr: 1e-2 }), validation: train, reportBits: true,
    verbose: 0 });
  const { loss, valLoss, valBitsPerToken } = history.history;
  assert.equal(loss.length, 12);
  assert.ok(valLoss[11] < 0.4 * valLoss[0], `validation loss ${valLoss[0]} -> ${valLoss[11]}`);
  assert.ok(Math.abs(valBitsPerToken[11] - valLoss[11] / Math.LN2) < 1e-12);
  // the model continues the pattern
  const text = models.sampleText(model, vocab, { length: 30, temperature: 0.2, prime: "the cat ", seed: 0 });
  assert.ok(text.startsWith("the cat sat on the mat."), JSON.stringify(text));
  assert.equal(models.sampleText(model, vocab, { length: 20, seed: 5 }),
    models.sampleText(model, vocab, { length: 20, seed: 5 }), "a seed makes sampling repeatable");
});

test("fitSequence stops on a NaN loss with an error naming the step, and honours a time budget", () => {
  zd.manualSeed(2);
  const { ids, vocab } = tinyCorpus();
  const model = new models.CharLSTM({ vocabSize: vocab.size, embeddingDim: 4, hiddenSize: 8 });
  const train = new data.SequenceBatchLoader(ids, { batchSize: 2, seqLength: 16 });
  let calls = 0;
  const poisoned = (o: zd.Tensor, t: zd.Tensor): zd.Tensor =>
    (++calls === 3 ? lossOf(vocab.size)(o, t).mul(NaN) : lossOf(vocab.size)(o, t));
  assert.throws(() => zd.fitSequence(model, train, { loss: poisoned, verbose: 0,
    optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }) }),
  /fitSequence: the loss became NaN at epoch 1, step 3 \(step 3 overall\); training stopped, nothing was/);
  const started = performance.now();
  const h = zd.fitSequence(model, train, { loss: lossOf(vocab.size), epochs: 1000, minutes: 0.002, verbose: 0,
    optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }) });
  assert.ok(h.history.loss.length < 1000 && performance.now() - started < 5000);
});

test("CharLSTM saves and loads with zd.save / zd.load and predicts the same logits", async () => {
  zd.manualSeed(3);
  const model = new models.CharLSTM({ vocabSize: 11, embeddingDim: 4, hiddenSize: 6, numLayers: 2 });
  const path = join(mkdtempSync(join(tmpdir(), "zendl-charlstm-")), "m.safetensors");
  await zd.save(model, path);
  const loaded = await zd.load<models.CharLSTM>(path);
  const ids = zd.tensor([[1, 2, 3], [4, 5, 10]], { dtype: "int32" });
  const [a, [h]] = model.forward(ids), [b, [h2]] = loaded.forward(ids);
  assert.deepEqual(a.shape, [2, 3, 11]);
  assert.deepEqual(h.shape, [2, 2, 6]);
  assert.ok(a.sub(b).abs().max().item() < 1e-6 && h.sub(h2).abs().max().item() < 1e-6);
  assert.throws(() => model.forward(zd.tensor([[1, 11]], { dtype: "int32" })),
    /Embedding\(11, 4\): token id 11 .* is outside the vocabulary \[0, 11\)/);
});
