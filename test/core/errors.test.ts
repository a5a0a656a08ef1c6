// Errors are part of the API: every op validates its inputs, and the message names the op and the
// shapes or values involved, and the rule that was broken.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";

/** Asserts that `fn` throws an Error whose message matches every pattern. */
function throwsWith(fn: () => unknown, ...patterns: RegExp[]): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof Error, `expected an Error to be thrown, got ${String(error)}`);
  for (const p of patterns) assert.match(error.message, p);
}

const x23 = (): zd.Tensor => zd.ones([2, 3]);
const idx = (values: number[][] | number[]): zd.Tensor => zd.tensor(values, { dtype: "int32" });
const notATensor = 3 as unknown as zd.Tensor;

describe("shape errors", () => {
  test("matmul: inner dimensions, batch dims, 0-d and int operands", () => {
    throwsWith(() => zd.matmul(zd.ones([32, 64]), zd.ones([128, 10])),
      /^matmul: \[32,64\] x \[128,10\]: inner dimensions 64 and 128 differ$/);
    throwsWith(() => zd.matmul(zd.ones([3]), zd.ones([4])),
      /matmul: \[3\] x \[4\]: inner dimensions 3 and 4 differ/);
    throwsWith(() => zd.matmul(zd.ones([2, 2, 3]), zd.ones([3, 3, 2])),
      /matmul: \[2,2,3\] x \[3,3,2\]: batch dimensions \[2\] and \[3\] cannot be broadcast/);
    throwsWith(() => zd.matmul(x23(), zd.tensor(2)),
      /matmul: both arguments need at least 1 dimension, got \[2,3\] and \[\]/);
    throwsWith(() => zd.matmul(zd.arange(4), zd.arange(4)),
      /matmul: expected floating-point tensors, got int32/);
    throwsWith(() => zd.matmul(x23(), notATensor), /matmul: expected two tensors/);
  });

  test("broadcast mismatch in element-wise ops", () => {
    for (const op of ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "lt", "ge"] as const) {
      throwsWith(() => zd[op](x23(), zd.ones([4])),
        new RegExp(`^${op}: shapes \\[2,3\\] and \\[4\\] cannot be broadcast: ` +
          "dimension -1 has sizes 3 and 4"));
    }
    throwsWith(() => zd.where(zd.ones([3, 1]), x23(), 0),
      /where: shapes \[3,1\] and \[2,3\] cannot be broadcast: dimension -2/);
  });

  test("reshape and view: element count, -1, sizes", () => {
    throwsWith(() => x23().reshape([4]),
      /reshape: cannot reshape a tensor of shape \[2,3\] \(6 elements\) into \[4\] \(4 elements\)/);
    throwsWith(() => x23().reshape([4, -1]),
      /reshape: cannot reshape a tensor of shape \[2,3\] \(6 elements\) into \[4,-1\]/);
    throwsWith(() => x23().reshape([-1, -1]), /reshape: only one dimension can be -1, got \[-1,-1\]/);
    throwsWith(() => x23().reshape([-2, -3]), /reshape: shape \[-2,-3\] has an invalid size -2/);
    throwsWith(() => x23().view([3, 3]),
      /reshape: cannot reshape a tensor of shape \[2,3\] \(6 elements\) into \[3,3\]/);
    throwsWith(() => x23().T.view([6]),
      /view: tensor of shape \[3,2\] is not contiguous; use reshape\(\) or contiguous\(\) first/);
  });

  test("bad dims name the op, the dim and the valid range", () => {
    const range = new RegExp("dimension (-?\\d+(\\.\\d+)?) is out of range for a tensor with 2 " +
      "dimension\\(s\\) \\(expected an integer in \\[-2, 1\\]\\)");
    const cases: Array<[string, () => unknown]> = [
      ["sum", () => x23().sum(2)], ["mean", () => x23().mean(-3)], ["max", () => x23().max(0.5)],
      ["min", () => x23().min([0, 5])], ["prod", () => x23().prod(2)], ["var", () => x23().var(3)],
      ["std", () => x23().std(3)], ["logsumexp", () => x23().logsumexp(7)], ["argmax", () => x23().argmax(2)],
      ["argmin", () => x23().argmin(-3)], ["softmax", () => x23().softmax(2)],
      ["logSoftmax", () => x23().logSoftmax(-3)], ["transpose", () => x23().transpose(0, 2)],
      ["permute", () => x23().permute([0, 2])], ["flatten", () => x23().flatten(-3)],
      ["squeeze", () => x23().squeeze(3)], ["slice", () => x23().slice(2, 0)],
      ["select", () => x23().select(2, 0)], ["split", () => x23().split(1, 3)],
      ["chunk", () => x23().chunk(2, 2)], ["concat", () => zd.concat([x23(), x23()], 2)],
      ["gather", () => x23().gather(2, idx([[0]]))], ["indexSelect", () => x23().indexSelect(2, [0])],
    ];
    for (const [op, fn] of cases) throwsWith(fn, new RegExp(`^${op}: `), range);
    throwsWith(() => x23().unsqueeze(3),
      /^unsqueeze: dimension 3 is out of range for a tensor with 3 dimension\(s\)/);
    throwsWith(() => zd.stack([x23()], 3),
      /^stack: dimension 3 is out of range for a tensor with 3 dimension\(s\)/);
    throwsWith(() => zd.ones([3]).transpose(0, 2),
      /^transpose: dimension 2 is out of range for a tensor with 1 dimension/);
    throwsWith(() => x23().sum([0, 0]), /sum: dimension list \[0,0\] repeats a dimension/);
    throwsWith(() => x23().permute([0, 0]), /permute: expected a permutation of 2 dimensions, got \[0,0\]/);
    throwsWith(() => x23().permute([0]), /permute: expected a permutation of 2 dimensions, got \[0\]/);
    throwsWith(() => x23().flatten(1, 0), /flatten: startDim 1 comes after endDim 0/);
  });

  test("expand", () => {
    throwsWith(() => x23().expand([2, 3, 4]),
      new RegExp("expand: cannot expand shape \\[2,3\\] to \\[2,3,4\\]: dimension 0 has size 2, not 1, " +
        "and the target size is 3"));
    throwsWith(() => x23().expand([3]), /expand: cannot expand shape \[2,3\] to fewer dims \[3\]/);
    throwsWith(() => zd.ones([3]).expand([-1, 3]),
      /expand: cannot expand shape \[3\] to \[-1,3\]: .*-1 is allowed only for existing dims/);
  });

  test("concat and stack", () => {
    throwsWith(() => zd.concat([x23(), zd.ones([3, 3])], 1),
      /concat: tensor 1 has shape \[3,3\], expected \[2,3\] except along dimension 1/);
    throwsWith(() => zd.concat([x23(), zd.ones([2, 3, 1])]),
      /concat: tensor 1 has shape \[2,3,1\], expected \[2,3\]/);
    throwsWith(() => zd.concat([]), /concat: expected a non-empty array of tensors/);
    throwsWith(() => zd.concat([x23(), [1, 2] as unknown as zd.Tensor]),
      /concat: expected tensor 1 to be a Tensor/);
    throwsWith(() => zd.stack([x23(), zd.ones([3, 2])]),
      /stack: tensor 1 has shape \[3,2\], expected \[2,3\]/);
    throwsWith(() => zd.stack([]), /stack: expected a non-empty array of tensors/);
  });

  test("split, chunk, slice and select values", () => {
    throwsWith(() => x23().split([1, 1], 1), /split: sections \[1,1\] sum to 2, dimension 1 has size 3/);
    throwsWith(() => x23().split([4, -1], 1), /split: sections must be integers >= 0, got \[4,-1\]/);
    throwsWith(() => x23().split([1.5, 1.5], 1), /split: sections must be integers >= 0/);
    throwsWith(() => x23().split(0), /split: split size must be a positive integer, got 0/);
    throwsWith(() => x23().chunk(0), /chunk: chunks must be a positive integer, got 0/);
    throwsWith(() => x23().chunk(1.5), /chunk: chunks must be a positive integer, got 1.5/);
    throwsWith(() => x23().slice(0, 0, 2, 0), /slice: step must be a positive integer, got 0/);
    throwsWith(() => x23().slice(0, 0.5), /slice: start must be an integer, got 0.5/);
    throwsWith(() => x23().slice(0, 0, NaN), /slice: end must be an integer, got NaN/);
    throwsWith(() => x23().select(0, 2), /select: index 2 is out of range for dimension 0 of size 2/);
    throwsWith(() => x23().select(1, -4), /select: index -4 is out of range for dimension 1 of size 3/);
    throwsWith(() => x23().select(0, 0.5), /select: index 0.5 is out of range/);
  });
});

describe("indexing errors", () => {
  test("gather: index range, dtype, rank and shape", () => {
    throwsWith(() => x23().gather(1, idx([[0, 5], [0, 0]])),
      /gather: index 5 is out of range for dimension 1 of size 3/);
    throwsWith(() => x23().gather(1, idx([[-1, 0], [0, 0]])),
      /gather: index -1 is out of range for dimension 1 of size 3/);
    throwsWith(() => x23().gather(1, zd.tensor([[0, 1]])),
      /gather: index must be an int32 tensor, got float32/);
    throwsWith(() => x23().gather(1, idx([0, 1])),
      /gather: index must be a tensor with 2 dims like the input, got \[2\]/);
    throwsWith(() => x23().gather(1, idx([[0], [1], [2]])),
      /gather: index shape \[3,1\] exceeds input shape \[2,3\] in dimension 0/);
  });

  test("indexSelect: index range, dtype, rank and integer values", () => {
    throwsWith(() => x23().indexSelect(1, [0, 3]),
      /indexSelect: index 3 is out of range for dimension 1 of size 3/);
    throwsWith(() => x23().indexSelect(0, idx([-1])),
      /indexSelect: index -1 is out of range for dimension 0 of size 2/);
    throwsWith(() => x23().indexSelect(1, zd.tensor([0])),
      /indexSelect: index must be an int32 tensor, got float32/);
    throwsWith(() => x23().indexSelect(1, idx([[0]])), /indexSelect: index must be 1-D, got shape \[1,1\]/);
    throwsWith(() => x23().indexSelect(1, [0.5]),
      /indexSelect: index must be an int32 tensor or an array of integers/);
  });
});

describe("value errors", () => {
  test("clamp needs a bound and no NaN", () => {
    throwsWith(() => x23().clamp(), /clamp: give at least one of min and max/);
    throwsWith(() => x23().clamp(null, null), /clamp: give at least one of min and max/);
    throwsWith(() => x23().clamp(NaN), /clamp: bounds must not be NaN, got min=NaN/);
  });

  test("activation hyper-parameters", () => {
    throwsWith(() => x23().softplus(0), /softplus: beta must be a positive number, got 0/);
    throwsWith(() => x23().softplus(-1), /softplus: beta must be a positive number, got -1/);
    throwsWith(() => x23().softplus(Infinity), /softplus: beta must be a positive number, got Infinity/);
    throwsWith(() => x23().softplus(1, NaN), /softplus: threshold must be a finite number, got NaN/);
    throwsWith(() => x23().leakyRelu(NaN), /leakyRelu: negativeSlope must be a finite number, got NaN/);
    throwsWith(() => x23().elu(Infinity), /elu: alpha must be a finite number, got Infinity/);
    throwsWith(() => x23().gelu("exact" as "none"),
      /gelu: approximate must be "none" or "tanh", got "exact"/);
  });

  test("reductions of empty tensors", () => {
    throwsWith(() => zd.zeros([0, 3]).max(0), /max: cannot reduce over an empty dimension of shape \[0,3\]/);
    throwsWith(() => zd.zeros([0, 3]).min(), /min: cannot reduce over an empty dimension of shape \[0,3\]/);
    throwsWith(() => zd.zeros([0]).argmax(), /argmax: cannot take argmax of an empty tensor/);
  });

  test("item, cast, assign", () => {
    throwsWith(() => x23().item(), /item: expected a tensor with one element, got shape \[2,3\]/);
    throwsWith(() => zd.cast(x23(), "bool" as zd.DType),
      /cast: unknown dtype "bool"; expected float32, float64 or int32/);
    throwsWith(() => x23().assign(zd.ones([2, 2])),
      /assign: cannot write shape \[2,2\] into a tensor of shape \[2,3\]/);
    throwsWith(() => x23().assign(zd.ones([1, 2, 3])),
      /assign: cannot write shape \[1,2,3\] into a tensor of shape \[2,3\]/);
    throwsWith(() => x23().assign("1" as unknown as number),
      /assign: expected a Tensor or a number, got string/);
  });

  test("non-tensor arguments name the op", () => {
    throwsWith(() => zd.exp(notATensor), /^exp: expected input to be a Tensor, got number$/);
    throwsWith(() => zd.sum(notATensor), /^sum: expected input to be a Tensor/);
    throwsWith(() => zd.max(notATensor), /^max: expected input to be a Tensor/);
    throwsWith(() => zd.mean(notATensor), /^mean: expected input to be a Tensor/);
    throwsWith(() => zd.softmax(notATensor), /^softmax: expected input to be a Tensor/);
    throwsWith(() => zd.reshape(notATensor, [3]), /^reshape: expected input to be a Tensor/);
    throwsWith(() => zd.gather(notATensor, 0, idx([0])), /^gather: expected input to be a Tensor/);
    throwsWith(() => zd.where(notATensor, x23(), 0), /^where: expected condition to be a Tensor, got number/);
    throwsWith(() => x23().mul("2" as unknown as number), /^mul: expected a Tensor or a number, got string/);
    throwsWith(() => zd.add(1, 2), /^add: expected at least one Tensor operand/);
  });
});

describe("creation and engine errors", () => {
  test("creation functions", () => {
    throwsWith(() => zd.zeros([2, -1]),
      /^full: shape \[2,-1\] has an invalid size -1; sizes are integers >= 0/);
    throwsWith(() => zd.randn([2, 1.5]), /^randn: shape \[2,1.5\] has an invalid size 1.5/);
    throwsWith(() => zd.full([2], 1, "int8" as zd.DType), /^full: unknown dtype "int8"/);
    throwsWith(() => zd.tensor([[1, 2], [3]]), /^tensor: ragged nested array/);
    throwsWith(() => zd.tensor([1, "a"] as unknown as number[]),
      /^tensor: expected a number at depth 1, got string/);
    throwsWith(() => zd.randint(3, 1, [2]), /^randint: expected integers low < high, got low=3, high=1/);
    throwsWith(() => zd.randint(0, 1.5, [2]), /^randint: expected integers low < high/);
    throwsWith(() => zd.arange(0, 1, 0), /^arange: step must be a finite nonzero number, got 0/);
    throwsWith(() => zd.arange(0, Infinity),
      /^arange: start and end must be finite numbers, got start=0, end=Infinity/);
    throwsWith(() => zd.linspace(0, 1, 2.5), /^linspace: steps must be a non-negative integer, got 2.5/);
    throwsWith(() => zd.eye(-1), /^eye: shape \[-1,-1\] has an invalid size -1/);
    throwsWith(() => zd.manualSeed(NaN), /^manualSeed: expected a finite number, got NaN/);
    throwsWith(() => zd.setBackend("gpu"), /^setBackend: unknown backend "gpu"; available: js/);
  });

  test("a disposed tensor cannot be used", () => {
    const t = x23();
    t.dispose();
    throwsWith(() => t.add(1), /tensor of shape \[2,3\] was disposed and cannot be used/);
  });
});
