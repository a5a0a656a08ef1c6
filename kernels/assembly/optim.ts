// Fused optimizer updates on float32 storages, in place, four lanes at a time. Each operation rounds to
// float32 in the order of the tensor-op formulation (src/optim) and no fused multiply-add is used, so the
// results are bit-identical to the reference backend's (src/backend/js/optim.ts) and to the unfused ops.
// Flags (bits mirrored in src/backend/wasm/optim.ts) are loop-invariant; skipped terms are skipped
// rather than multiplied by zero (0·inf = NaN).

const SGD_MAXIMIZE = 1;
const SGD_WEIGHT_DECAY = 2;
const SGD_MOMENTUM = 4;
const SGD_FIRST = 8;
const SGD_NESTEROV = 16;

// d = ±g + wd·p; buf = d at the first step, else momentum·buf + keep·d (keep = 1 − dampening);
// p −= lr·(nesterov ? d + momentum·buf : buf).
export function sgd_f32(p: usize, g: usize, buf: usize, n: i32, lr: f32, momentum: f32, keep: f32,
  wd: f32, flags: i32): void {
  const maximize = (flags & SGD_MAXIMIZE) != 0, decay = (flags & SGD_WEIGHT_DECAY) != 0;
  const useBuf = (flags & SGD_MOMENTUM) != 0, first = (flags & SGD_FIRST) != 0;
  const nesterov = (flags & SGD_NESTEROV) != 0;
  const vlr = f32x4.splat(lr), vmom = f32x4.splat(momentum), vkeep = f32x4.splat(keep);
  const vwd = f32x4.splat(wd);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    let d = v128.load(g + o);
    if (maximize) d = f32x4.neg(d);
    if (decay) d = f32x4.add(d, f32x4.mul(pv, vwd));
    if (useBuf) {
      const b = first ? d : f32x4.add(f32x4.mul(v128.load(buf + o), vmom), f32x4.mul(d, vkeep));
      v128.store(buf + o, b);
      d = nesterov ? f32x4.add(d, f32x4.mul(b, vmom)) : b;
    }
    v128.store(p + o, f32x4.sub(pv, f32x4.mul(d, vlr)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pv = load<f32>(p + o);
    let d = load<f32>(g + o);
    if (maximize) d = -d;
    if (decay) d = d + pv * wd;
    if (useBuf) {
      const b = first ? d : load<f32>(buf + o) * momentum + d * keep;
      store<f32>(buf + o, b);
      d = nesterov ? d + b * momentum : b;
    }
    store<f32>(p + o, pv - d * lr);
  }
}

const ADAM_MAXIMIZE = 1;
const ADAM_WEIGHT_DECAY = 2;
const ADAM_DECOUPLED = 4;
const ADAM_AMSGRAD = 8;

// d = ±g (+ wd·p when coupled); m = β1·m + rest1·d; v = β2·v + (rest2·d)·d; vMax = max(vMax, v);
// p = (decoupled ? p·decay : p) − (m·stepSize) / (sqrt(v or vMax)/bc2 + eps), where rest = 1 − β,
// decay = 1 − lr·wd, stepSize = lr/(1 − β1ᵗ), bc2 = sqrt(1 − β2ᵗ). f32x4.max propagates NaN, as
// the reference's maximum does.
export function adam_f32(p: usize, g: usize, m: usize, v: usize, vmax: usize, n: i32, beta1: f32,
  rest1: f32, beta2: f32, rest2: f32, wd: f32, decay: f32, stepSize: f32, bc2: f32, eps: f32,
  flags: i32): void {
  const maximize = (flags & ADAM_MAXIMIZE) != 0, coupled = (flags & ADAM_WEIGHT_DECAY) != 0;
  const decoupled = (flags & ADAM_DECOUPLED) != 0, amsgrad = (flags & ADAM_AMSGRAD) != 0;
  const vb1 = f32x4.splat(beta1), vr1 = f32x4.splat(rest1), vb2 = f32x4.splat(beta2);
  const vr2 = f32x4.splat(rest2), vwd = f32x4.splat(wd), vdecay = f32x4.splat(decay);
  const vstep = f32x4.splat(stepSize), vbc2 = f32x4.splat(bc2), veps = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let value = v128.load(p + o);
    let d = v128.load(g + o);
    if (maximize) d = f32x4.neg(d);
    if (decoupled) value = f32x4.mul(value, vdecay);
    else if (coupled) d = f32x4.add(d, f32x4.mul(value, vwd));
    const mv = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(d, vr1));
    const vv = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(d, vr2), d));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    let second = vv;
    if (amsgrad) {
      second = f32x4.max(v128.load(vmax + o), vv);
      v128.store(vmax + o, second);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(second), vbc2), veps);
    v128.store(p + o, f32x4.sub(value, f32x4.div(f32x4.mul(mv, vstep), denom)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let value = load<f32>(p + o);
    let d = load<f32>(g + o);
    if (maximize) d = -d;
    if (decoupled) value = value * decay;
    else if (coupled) d = d + value * wd;
    const mv = load<f32>(m + o) * beta1 + d * rest1;
    const vv = load<f32>(v + o) * beta2 + (d * rest2) * d;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    let second = vv;
    if (amsgrad) {
      second = max<f32>(load<f32>(vmax + o), vv);
      store<f32>(vmax + o, second);
    }
    const denom = sqrt<f32>(second) / bc2 + eps;
    store<f32>(p + o, value - (mv * stepSize) / denom);
  }
}
