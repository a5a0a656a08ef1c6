// Gather-like kernels read one element per thread; scatter-like ones add one element per thread into
// the output with atomics (compare-and-swap on the float's bits: WGSL has no float atomics), so the
// order of additions into one element is not fixed.
import { bindings, perElement, prelude, type WgslType } from "./wgsl-common.js";

const main = (body: string): string => perElement(body);

/** out[i] += v through atomics on the output's bits. */
function atomicAdd(t: WgslType): string {
  if (t === "i32") return "fn add_(o: i32, v: i32) { atomicAdd(&O[o], v); }";
  return `
fn add_(o: i32, v: f32) {
  var old = atomicLoad(&O[o]);
  loop {
    let next = bitcast<u32>(bitcast<f32>(old) + v);
    let r = atomicCompareExchangeWeak(&O[o], old, next);
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}`;
}
const atomicType = (t: WgslType): string => (t === "i32" ? "atomic<i32>" : "atomic<u32>");

/**
 * Walks the coordinates of element i of the shape at P[1..1+nd): `pos` is its offset in the view at
 * P[v], `c` its coordinate along dim P[dimWord].
 */
function coords(nd: number, views: number[]): string {
  const decl = views.map((v, k) => `var o${k} = P[${v}];`).join(" ");
  const step = views.map((v, k) => `o${k} += c * P[${v} + 1 + d];`).join(" ");
  return `${decl}
  var r = i;
  var cdim = 0;
  for (var d = ${nd - 1}; d >= 0; d--) {
    let n = P[1 + d]; let c = r % n; r = r / n;
    if (d == P[DIM]) { cdim = c; }
    ${step}
  }`;
}

/** gather: params n, index shape[nd], index view, x view (x's strides), dim. */
export function gatherSource(x: WgslType, nd: number): string {
  const iv = 1 + nd, xv = 2 + 2 * nd, dim = 3 + 3 * nd;
  return prelude() + `const DIM = ${dim};\n` + bindings([["O", x, true], ["X", x, false], ["I", "i32",
    false]]) +
    main(`${coords(nd, [iv, xv])}
  let j = I[o0];
  O[i] = X[o1 + (j - cdim) * P[${xv} + 1 + P[DIM]]];`);
}

/** scatterAdd: params n, index shape[nd], index view, src view, out view (contiguous strides), dim. */
export function scatterAddSource(t: WgslType, nd: number): string {
  const iv = 1 + nd, sv = 2 + 2 * nd, ov = 3 + 3 * nd, dim = 4 + 4 * nd;
  return prelude() + `const DIM = ${dim};\n` +
    bindings([["O", atomicType(t), true], ["S", t, false], ["I", "i32", false]]) + atomicAdd(t) +
    main(`${coords(nd, [iv, sv, ov])}
  let j = I[o0];
  add_(o2 + (j - cdim) * P[${ov} + 1 + P[DIM]], S[o1]);`);
}

/** indexSelect: params n, out shape[nd], x view, dim, index offset, index stride. */
export function indexSelectSource(x: WgslType, nd: number): string {
  const xv = 1 + nd, dim = 2 + 2 * nd;
  return prelude() + `const DIM = ${dim};\n` + bindings([["O", x, true], ["X", x, false], ["I", "i32",
    false]]) +
    main(`${coords(nd, [xv])}
  let j = I[P[DIM + 1] + cdim * P[DIM + 2]];
  O[i] = X[o0 + (j - cdim) * P[${xv} + 1 + P[DIM]]];`);
}

/** indexAdd: params n, src shape[nd], src view, out view (contiguous strides), dim, index offset, stride. */
export function indexAddSource(t: WgslType, nd: number): string {
  const sv = 1 + nd, ov = 2 + 2 * nd, dim = 3 + 3 * nd;
  return prelude() + `const DIM = ${dim};\n` +
    bindings([["O", atomicType(t), true], ["S", t, false], ["I", "i32", false]]) + atomicAdd(t) +
    main(`${coords(nd, [sv, ov])}
  let j = I[P[DIM + 1] + cdim * P[DIM + 2]];
  add_(o1 + (j - cdim) * P[${ov} + 1 + P[DIM]], S[o0]);`);
}
