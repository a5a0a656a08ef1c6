import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { data } from "../../src/index.js";

test("CharVocabulary: sorted characters, encode/decode, JSON, and errors that name the character", () => {
  const vocab = data.CharVocabulary.fromText("hello, world");
  assert.deepEqual(vocab.chars, [" ", ",", "d", "e", "h", "l", "o", "r", "w"]);
  assert.deepEqual(Array.from(vocab.encode("hold")), [4, 6, 5, 2]);
  assert.equal(vocab.decode(vocab.encode("world, hello")), "world, hello");
  const back = data.CharVocabulary.fromJSON(JSON.parse(JSON.stringify(vocab.toJSON())) as string);
  assert.deepEqual(back.chars, vocab.chars);
  assert.throws(() => vocab.encode("hex"),
    /character "x" \(at position 2\) is not in the vocabulary of 9 characters/);
  assert.throws(() => vocab.decode([9]), /id 9 is outside \[0, 9\)/);
  assert.equal(data.CharVocabulary.fromText("añ€😀").size, 4);
});

test("loadText reads plain and gzip text; the shipped Tiny Shakespeare has 1,115,394 characters", () => {
  const dir = mkdtempSync(join(tmpdir(), "zendl-text-"));
  writeFileSync(join(dir, "a.txt"), "abcab");
  writeFileSync(join(dir, "b.txt.gz"), gzipSync(Buffer.from("abcab")));
  for (const file of ["a.txt", "b.txt.gz"]) {
    const t = data.loadText(join(dir, file));
    assert.equal(t.text, "abcab");
    assert.deepEqual(Array.from(t.ids), [0, 1, 2, 0, 1]);
  }
  assert.throws(() => data.loadText(join(dir, "missing.txt")), /loadText: cannot read ".*missing\.txt"/);
  const shakespeare = data.loadTinyShakespeare();
  assert.equal(shakespeare.ids.length, 1115394);
  assert.equal(shakespeare.vocabulary.size, 65);
  assert.ok(shakespeare.text.startsWith("First Citizen:"));
});

test("splitByPosition keeps order: the last 10% is validation", () => {
  const ids = Int32Array.from({ length: 100 }, (_, i) => i);
  const [train, val] = data.splitByPosition(ids, 0.1);
  assert.equal(train.length, 90);
  assert.deepEqual(Array.from(val), Array.from({ length: 10 }, (_, i) => 90 + i));
  assert.throws(() => data.splitByPosition(ids, 1), /validationFraction must be in \(0, 1\)/);
});

test("SequenceBatchLoader: consecutive chunks per stream, targets shifted by one", () => {
  const ids = Int32Array.from({ length: 101 }, (_, i) => i);
  const loader = new data.SequenceBatchLoader(ids, { batchSize: 2, seqLength: 10 });
  assert.equal(loader.length, 5);
  const batches = [...loader];
  assert.equal(batches.length, 5);
  const [x0, y0] = batches[0];
  assert.deepEqual(x0.shape, [2, 10]);
  assert.equal(x0.dtype, "int32");
  const run = (from: number): number[] => Array.from({ length: 10 }, (_, i) => from + i);
  assert.deepEqual(x0.toArray(), [run(0), run(50)]);
  assert.deepEqual(y0.toArray(), [run(1), run(51)]);
  // row b of batch k + 1 continues row b of batch k
  assert.deepEqual((batches[1][0].toArray() as number[][]).map((r) => r[0]), [10, 60]);
  const shuffled = new data.SequenceBatchLoader(ids, { batchSize: 2, seqLength: 10, shuffle: true, seed: 3 });
  assert.equal(shuffled.length, 4);
  const first = (shuffled[Symbol.iterator]().next().value as [ReturnType<typeof data.loadDigits>["x"]])[0];
  const start = (first.toArray() as number[][])[0][0];
  assert.ok(start >= 0 && start < 10);
  assert.throws(() => new data.SequenceBatchLoader(ids, { batchSize: 20, seqLength: 10 }),
    /101 ids make 20 streams of 5, shorter than seqLength 10/);
  assert.throws(() => new data.SequenceBatchLoader(ids, { batchSize: 0, seqLength: 10 }),
    /batchSize must be a positive integer/);
});
