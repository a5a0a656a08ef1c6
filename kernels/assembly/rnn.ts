// Fused recurrent steps (src/backend/backend.ts RecurrentStep): for one time step of a batch, the
// pre-activations x + hh (+ bias), every gate nonlinearity and the new state in one pass over the
// [batch, hidden] units, four at a time; and the adjoint of that step. Rows are contiguous, gate blocks
// of `hidden` units each (LSTM i, f, g, o; GRU r, z, n). A mask entry of 0 (pointer 0: no mask) makes
// a row pass its state through. Optional pointers (bias, mask, dOut) are 0 when absent.
import { vsigmoid, vtanh } from "./vmath";

// The vector body and the scalar tail share one code path: a tail element is loaded into all lanes
// and lane 0 is stored back.
@inline function ld(p: usize, vec: bool): v128 {
  return vec ? v128.load(p) : v128.load32_splat(p);
}

@inline function st(p: usize, v: v128, vec: bool): void {
  if (vec) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}

@inline function ldOr0(p: usize, o: usize, vec: bool): v128 {
  return p == 0 ? f32x4.splat(0) : ld(p + o, vec);
}

@inline function real(mask: usize, b: i32): bool {
  return mask == 0 || load<f32>(mask + (<usize>b << 2)) != 0;
}

const ONE = f32x4.splat(1);

@inline function lstmUnit(o: usize, Hb: usize, x: usize, hh: usize, bias: usize, cp: usize, gates: usize,
  hn: usize, cn: usize, vec: bool): void {
  const i = vsigmoid(f32x4.add(f32x4.add(ld(x + o, vec), ld(hh + o, vec)), ldOr0(bias, o, vec)));
  const f = vsigmoid(f32x4.add(f32x4.add(ld(x + Hb + o, vec), ld(hh + Hb + o, vec)),
    ldOr0(bias, Hb + o, vec)));
  const g = vtanh(f32x4.add(f32x4.add(ld(x + 2 * Hb + o, vec), ld(hh + 2 * Hb + o, vec)),
    ldOr0(bias, 2 * Hb + o, vec)));
  const og = vsigmoid(f32x4.add(f32x4.add(ld(x + 3 * Hb + o, vec), ld(hh + 3 * Hb + o, vec)),
    ldOr0(bias, 3 * Hb + o, vec)));
  st(gates + o, i, vec);
  st(gates + Hb + o, f, vec);
  st(gates + 2 * Hb + o, g, vec);
  st(gates + 3 * Hb + o, og, vec);
  const c = f32x4.add(f32x4.mul(f, ld(cp + o, vec)), f32x4.mul(i, g));
  st(cn + o, c, vec);
  st(hn + o, f32x4.mul(og, vtanh(c)), vec);
}

export function lstm_forward_f32(B: i32, H: i32, x: usize, hh: usize, bias: usize, hPrev: usize, cPrev: usize,
  mask: usize, gates: usize, hNext: usize, cNext: usize): void {
  const Hb = <usize>H << 2, Gb = Hb << 2;
  for (let b = 0; b < B; b++) {
    const rs = <usize>b * Hb, rg = <usize>b * Gb;
    if (!real(mask, b)) {
      memory.copy(hNext + rs, hPrev + rs, Hb);
      memory.copy(cNext + rs, cPrev + rs, Hb);
      continue;
    }
    const xr = x + rg, hr = hh + rg, cp = cPrev + rs, gr = gates + rg, hn = hNext + rs, cn = cNext + rs;
    let j = 0;
    for (; j + 4 <= H; j += 4) lstmUnit(<usize>j << 2, Hb, xr, hr, bias, cp, gr, hn, cn, true);
    for (; j < H; j++) lstmUnit(<usize>j << 2, Hb, xr, hr, bias, cp, gr, hn, cn, false);
  }
}

@inline function lstmUnitBack(o: usize, Hb: usize, gates: usize, cp: usize, cn: usize, dH: usize, dOut: usize,
  dC: usize, dX: usize, vec: bool): void {
  const dh = f32x4.add(ld(dH + o, vec), ldOr0(dOut, o, vec));
  const i = ld(gates + o, vec), f = ld(gates + Hb + o, vec);
  const g = ld(gates + 2 * Hb + o, vec), og = ld(gates + 3 * Hb + o, vec);
  const tc = vtanh(ld(cn + o, vec));
  const dc = f32x4.add(ld(dC + o, vec), f32x4.mul(f32x4.mul(dh, og), f32x4.sub(ONE, f32x4.mul(tc, tc))));
  st(dX + o, f32x4.mul(f32x4.mul(dc, g), f32x4.mul(i, f32x4.sub(ONE, i))), vec);
  st(dX + Hb + o, f32x4.mul(f32x4.mul(dc, ld(cp + o, vec)), f32x4.mul(f, f32x4.sub(ONE, f))), vec);
  st(dX + 2 * Hb + o, f32x4.mul(f32x4.mul(dc, i), f32x4.sub(ONE, f32x4.mul(g, g))), vec);
  st(dX + 3 * Hb + o, f32x4.mul(f32x4.mul(dh, tc), f32x4.mul(og, f32x4.sub(ONE, og))), vec);
  st(dC + o, f32x4.mul(dc, f), vec);
  st(dH + o, f32x4.splat(0), vec);
}

/** Adds dOut into dH for a padded row: its gradient passes to h_prev untouched. */
function passThrough(dH: usize, dOut: usize, H: i32): void {
  if (dOut == 0) return;
  let j = 0;
  for (; j + 4 <= H; j += 4) {
    const o = <usize>j << 2;
    v128.store(dH + o, f32x4.add(v128.load(dH + o), v128.load(dOut + o)));
  }
  for (; j < H; j++) {
    const o = <usize>j << 2;
    store<f32>(dH + o, load<f32>(dH + o) + load<f32>(dOut + o));
  }
}

export function lstm_backward_f32(B: i32, H: i32, gates: usize, cPrev: usize, cNext: usize, mask: usize,
  dH: usize, dOut: usize, dC: usize, dX: usize): void {
  const Hb = <usize>H << 2, Gb = Hb << 2;
  for (let b = 0; b < B; b++) {
    const rs = <usize>b * Hb, rg = <usize>b * Gb;
    const out: usize = dOut == 0 ? 0 : dOut + rs;
    if (!real(mask, b)) {
      passThrough(dH + rs, out, H);
      memory.fill(dX + rg, 0, Gb);
      continue;
    }
    const gr = gates + rg, cp = cPrev + rs, cn = cNext + rs, dh = dH + rs, dc = dC + rs, dx = dX + rg;
    let j = 0;
    for (; j + 4 <= H; j += 4) lstmUnitBack(<usize>j << 2, Hb, gr, cp, cn, dh, out, dc, dx, true);
    for (; j < H; j++) lstmUnitBack(<usize>j << 2, Hb, gr, cp, cn, dh, out, dc, dx, false);
  }
}

@inline function gruUnit(o: usize, Hb: usize, x: usize, hh: usize, bias: usize, hp: usize, gates: usize,
  hn: usize, extra: usize, vec: bool): void {
  const r = vsigmoid(f32x4.add(f32x4.add(ld(x + o, vec), ld(hh + o, vec)), ldOr0(bias, o, vec)));
  const z = vsigmoid(f32x4.add(f32x4.add(ld(x + Hb + o, vec), ld(hh + Hb + o, vec)),
    ldOr0(bias, Hb + o, vec)));
  const hn0 = f32x4.add(ld(hh + 2 * Hb + o, vec), ldOr0(bias, 2 * Hb + o, vec));
  const n = vtanh(f32x4.add(ld(x + 2 * Hb + o, vec), f32x4.mul(r, hn0)));
  st(gates + o, r, vec);
  st(gates + Hb + o, z, vec);
  st(gates + 2 * Hb + o, n, vec);
  st(extra + o, hn0, vec);
  // (1 − z)·n + z·h
  st(hn + o, f32x4.add(f32x4.mul(f32x4.sub(ONE, z), n), f32x4.mul(z, ld(hp + o, vec))), vec);
}

export function gru_forward_f32(B: i32, H: i32, x: usize, hh: usize, bias: usize, hPrev: usize, mask: usize,
  gates: usize, hNext: usize, extra: usize): void {
  const Hb = <usize>H << 2, Gb = Hb * 3;
  for (let b = 0; b < B; b++) {
    const rs = <usize>b * Hb, rg = <usize>b * Gb;
    if (!real(mask, b)) {
      memory.copy(hNext + rs, hPrev + rs, Hb);
      continue;
    }
    const xr = x + rg, hr = hh + rg, hp = hPrev + rs, gr = gates + rg, hn = hNext + rs, ex = extra + rs;
    let j = 0;
    for (; j + 4 <= H; j += 4) gruUnit(<usize>j << 2, Hb, xr, hr, bias, hp, gr, hn, ex, true);
    for (; j < H; j++) gruUnit(<usize>j << 2, Hb, xr, hr, bias, hp, gr, hn, ex, false);
  }
}

@inline function gruUnitBack(o: usize, Hb: usize, gates: usize, hp: usize, extra: usize, dH: usize,
  dOut: usize, dX: usize, dHh: usize, vec: bool): void {
  const dh = f32x4.add(ld(dH + o, vec), ldOr0(dOut, o, vec));
  const r = ld(gates + o, vec), z = ld(gates + Hb + o, vec), n = ld(gates + 2 * Hb + o, vec);
  const dn = f32x4.mul(f32x4.mul(dh, f32x4.sub(ONE, z)), f32x4.sub(ONE, f32x4.mul(n, n)));
  const dz = f32x4.mul(f32x4.mul(dh, f32x4.sub(ld(hp + o, vec), n)), f32x4.mul(z, f32x4.sub(ONE, z)));
  const dr = f32x4.mul(f32x4.mul(dn, ld(extra + o, vec)), f32x4.mul(r, f32x4.sub(ONE, r)));
  st(dX + o, dr, vec);
  st(dX + Hb + o, dz, vec);
  st(dX + 2 * Hb + o, dn, vec);
  st(dHh + o, dr, vec);
  st(dHh + Hb + o, dz, vec);
  st(dHh + 2 * Hb + o, f32x4.mul(dn, r), vec);
  st(dH + o, f32x4.mul(dh, z), vec);
}

export function gru_backward_f32(B: i32, H: i32, gates: usize, hPrev: usize, extra: usize, mask: usize,
  dH: usize, dOut: usize, dX: usize, dHh: usize): void {
  const Hb = <usize>H << 2, Gb = Hb * 3;
  for (let b = 0; b < B; b++) {
    const rs = <usize>b * Hb, rg = <usize>b * Gb;
    const out: usize = dOut == 0 ? 0 : dOut + rs;
    if (!real(mask, b)) {
      passThrough(dH + rs, out, H);
      memory.fill(dX + rg, 0, Gb);
      memory.fill(dHh + rg, 0, Gb);
      continue;
    }
    const gr = gates + rg, hp = hPrev + rs, ex = extra + rs, dh = dH + rs, dx = dX + rg, dhh = dHh + rg;
    let j = 0;
    for (; j + 4 <= H; j += 4) gruUnitBack(<usize>j << 2, Hb, gr, hp, ex, dh, out, dx, dhh, true);
    for (; j < H; j++) gruUnitBack(<usize>j << 2, Hb, gr, hp, ex, dh, out, dx, dhh, false);
  }
}

@inline function rnnUnit(o: usize, relu: bool, x: usize, hh: usize, bias: usize, gates: usize, hn: usize,
  vec: bool): void {
  const a = f32x4.add(f32x4.add(ld(x + o, vec), ld(hh + o, vec)), ldOr0(bias, o, vec));
  const h = relu ? f32x4.max(a, f32x4.splat(0)) : vtanh(a);
  st(gates + o, h, vec);
  st(hn + o, h, vec);
}

export function rnn_forward_f32(B: i32, H: i32, relu: bool, x: usize, hh: usize, bias: usize, hPrev: usize,
  mask: usize, gates: usize, hNext: usize): void {
  const Hb = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const rs = <usize>b * Hb;
    if (!real(mask, b)) {
      memory.copy(hNext + rs, hPrev + rs, Hb);
      continue;
    }
    const xr = x + rs, hr = hh + rs, gr = gates + rs, hn = hNext + rs;
    let j = 0;
    for (; j + 4 <= H; j += 4) rnnUnit(<usize>j << 2, relu, xr, hr, bias, gr, hn, true);
    for (; j < H; j++) rnnUnit(<usize>j << 2, relu, xr, hr, bias, gr, hn, false);
  }
}

@inline function rnnUnitBack(o: usize, relu: bool, gates: usize, dH: usize, dOut: usize, dX: usize,
  vec: bool): void {
  const dh = f32x4.add(ld(dH + o, vec), ldOr0(dOut, o, vec));
  const h = ld(gates + o, vec);
  const d = relu ? v128.and(dh, f32x4.gt(h, f32x4.splat(0))) : f32x4.mul(dh, f32x4.sub(ONE, f32x4.mul(h, h)));
  st(dX + o, d, vec);
  st(dH + o, f32x4.splat(0), vec);
}

export function rnn_backward_f32(B: i32, H: i32, relu: bool, gates: usize, mask: usize, dH: usize,
  dOut: usize, dX: usize): void {
  const Hb = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const rs = <usize>b * Hb;
    const out: usize = dOut == 0 ? 0 : dOut + rs;
    if (!real(mask, b)) {
      passThrough(dH + rs, out, H);
      memory.fill(dX + rs, 0, Hb);
      continue;
    }
    let j = 0;
    for (; j + 4 <= H; j += 4) rnnUnitBack(<usize>j << 2, relu, gates + rs, dH + rs, out, dX + rs, true);
    for (; j < H; j++) rnnUnitBack(<usize>j << 2, relu, gates + rs, dH + rs, out, dX + rs, false);
  }
}
