// Recurrent networks in a few seconds: a GRU reading digits row by row, and a character LSTM trained for
// half a minute on Tiny Shakespeare by truncated backpropagation through time, then sampled.
import * as zd from "../src/index.js"; // in your project: from "zendl"
const { data, models, nn, optim } = zd;

// Digits as sequences: 8 steps of 8 pixels, the GRU's final state classified.
zd.manualSeed(0);
const { x, y } = data.loadDigits();
const [xTrain, xTest, yTrain, yTest] = data.trainTestSplit(x.div(16), y, { testSize: 0.25, seed: 0 });
const classifier = new models.SequenceClassifier({ inputSize: 8, numClasses: 10, cell: "gru", hiddenSize: 64 });
zd.fit(classifier, xTrain.reshape([-1, 8, 8]), yTrain, { loss: nn.functional.crossEntropy, epochs: 15,
  optimizer: new optim.Adam(classifier.parameters(), { lr: 5e-3 }), batchSize: 32, seed: 0, verbose: 0 });
const accuracy = zd.metrics.accuracy(zd.predict(classifier, xTest.reshape([-1, 8, 8])), yTest);
console.log(`gru on digits row by row: test accuracy ${accuracy.toFixed(4)}`);

// A character language model: consecutive chunks, the LSTM state carried from one to the next.
const { ids, vocabulary } = data.loadTinyShakespeare();
const [trainIds, valIds] = data.splitByPosition(ids, 0.1);
const lm = new models.CharLSTM({ vocabSize: vocabulary.size, hiddenSize: 128 });
const loss = (logits: zd.Tensor, targets: zd.Tensor): zd.Tensor =>
  nn.functional.crossEntropy(logits.reshape([-1, vocabulary.size]), targets.reshape([-1]));
const history = zd.fitSequence(lm, new data.SequenceBatchLoader(trainIds, { batchSize: 32, seqLength: 64 }), {
  loss, optimizer: new optim.Adam(lm.parameters(), { lr: 3e-3 }), minutes: 0.5, clipGradNorm: 5,
  validation: new data.SequenceBatchLoader(valIds.subarray(0, 20000), { batchSize: 32, seqLength: 64 }),
  reportBits: true, verbose: 0,
});
const valLoss = history.history.valLoss.at(-1)!;
console.log(`char-lstm after 30 s: validation ${valLoss.toFixed(3)} nats/char (${(valLoss / Math.LN2).toFixed(3)} ` +
  "bits/char)");
console.log(models.sampleText(lm, vocabulary, { length: 200, temperature: 0.8, prime: "ROMEO:", seed: 1 }));
