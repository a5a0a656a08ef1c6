import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { loadCsv, parseCsv } from "../../src/data/index.js";

let dir = "";
before(() => { dir = mkdtempSync(join(tmpdir(), "zendl-csv-")); });
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test("loadCsv: no header, labels from the last column as int32", () => {
  const { x, y, columns, labelName } = loadCsv(file("plain.csv", "1,2,0\n3.5,4,1\n\n-1e2,.5,2\n"));
  assert.deepEqual(x.shape, [3, 2]);
  assert.equal(x.dtype, "float32");
  assert.deepEqual(x.toArray(), [[1, 2], [3.5, 4], [-100, 0.5]]);
  assert.equal(y?.dtype, "int32");
  assert.deepEqual(y?.toArray(), [0, 1, 2]);
  assert.deepEqual(columns, ["0", "1"]);
  assert.equal(labelName, "2");
});

test("loadCsv: header auto-detected, label by name, CRLF, quotes, other delimiters", () => {
  const path = file("named.csv", "\"width\";height;kind\r\n1;2;0.5\r\n3;4;1.5\r\n");
  const { x, y, columns } = loadCsv(path, { delimiter: ";", labelColumn: "width" });
  assert.deepEqual(columns, ["height", "kind"]);
  assert.deepEqual(x.toArray(), [[2, 0.5], [4, 1.5]]);
  assert.equal(y?.dtype, "int32");
  assert.deepEqual(y?.toArray(), [1, 3]);
  const floats = loadCsv(path, { delimiter: ";" });
  assert.equal(floats.y?.dtype, "float32", "non-integer labels keep the float dtype");
  assert.deepEqual(floats.y?.toArray(), [0.5, 1.5]);
  const forced = parseCsv("1,2\n3,4\n", { header: true });
  assert.deepEqual(forced.columns, ["1"]);
  assert.deepEqual(forced.x.toArray(), [[3]]);
});

test("loadCsv: labelColumn null or by index; dtype; nan and inf", () => {
  const path = file("three.csv", "a,b,c\n1,2,3\n4,5,6\n");
  const all = loadCsv(path, { labelColumn: null, dtype: "float64" });
  assert.equal(all.y, null);
  assert.equal(all.x.dtype, "float64");
  assert.deepEqual(all.x.shape, [2, 3]);
  assert.deepEqual(all.columns, ["a", "b", "c"]);
  const first = loadCsv(path, { labelColumn: 0 });
  assert.deepEqual(first.y?.toArray(), [1, 4]);
  assert.deepEqual(first.x.toArray(), [[2, 3], [5, 6]]);
  const special = parseCsv("nan,inf,-Inf,1\n", { labelColumn: null });
  const values = Array.from(special.x.dataSync());
  assert.ok(Number.isNaN(values[0]));
  assert.deepEqual(values.slice(1), [Infinity, -Infinity, 1]);
});

test("loadCsv: gzip when the name ends in .gz", () => {
  const path = file("packed.csv.gz", gzipSync("x1,x2,label\n0,1,1\n1,0,0\n"));
  const { x, y, columns } = loadCsv(path);
  assert.deepEqual(columns, ["x1", "x2"]);
  assert.deepEqual(x.toArray(), [[0, 1], [1, 0]]);
  assert.deepEqual(y?.toArray(), [1, 0]);
  assert.throws(() => loadCsv(file("bad.csv.gz", "not gzip")), /bad\.csv\.gz is not valid gzip data/);
});

test("loadCsv: errors name the file, the line and the column", () => {
  const bad = file("bad.csv", "a,b,c\n1,2,3\n4,five,6\n");
  assert.throws(() => loadCsv(bad), /loadCsv: .*bad\.csv:3: column 2 \("b"\): "five" is not a number/);
  const ragged = file("ragged.csv", "1,2,3\n4,5\n");
  assert.throws(() => loadCsv(ragged), /ragged\.csv:2: expected 3 cells, got 2 \(ragged row\)/);
  assert.throws(() => loadCsv(file("empty-cell.csv", "1,,3\n")), /empty-cell\.csv:1: column 2: empty cell/);
  assert.deepEqual(parseCsv(",a,b\n0,1,2\n").columns, ["", "a"], "pandas' unnamed index column");
  assert.throws(() => loadCsv(file("empty.csv", "\n\n")), /empty\.csv: the file has no rows/);
  assert.throws(() => loadCsv(join(dir, "missing.csv")), /loadCsv: cannot read .*missing\.csv/);
  assert.throws(() => loadCsv(bad, { labelColumn: "d" }), /no column named "d"; columns are a, b, c/);
  assert.throws(() => loadCsv(ragged, { labelColumn: "a" }), /labelColumn "a" needs a header row/);
  assert.throws(() => loadCsv(ragged, { labelColumn: 3 }), /labelColumn 3 is out of range for 3 columns/);
});
