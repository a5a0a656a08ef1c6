#!/usr/bin/python3
"""Generate the PyTorch reference fixtures of the CNN layers: conv.json, pool.json, norm.json.

Run with the system interpreter that has PyTorch 1.13 installed:

    /usr/bin/python3 tools/make-cnn-fixtures.py

Same conventions and schema as tools/make-fixtures.py (see test/fixtures/README.md): every case
re-seeds torch with a CRC32 of "<file>/<case>", arrays are {shape, dtype, data}, option names are
camelCase, and gradients are d(sum(output * gradOutput))/d(input).
"""
import json
import math
import os
import warnings
import zlib

import torch
import torch.nn.functional as F

from fixture_io import MAX_BYTES, OUT_DIR, arr, seed, write_json as write_fixture

GENERATOR = "tools/make-cnn-fixtures.py"

torch.set_default_dtype(torch.float32)
# PyTorch pads a copy for "same" with an even kernel; a performance note, not a problem here
warnings.filterwarnings("ignore", message="Using padding='same'")


def short(t, steps=32):
    """t rounded to multiples of 1/steps: exact in float32 and short in JSON, to keep files small."""
    return torch.round(t * steps) / steps


def backward_case(case, out, leaves, quantize=False):
    """Adds output, gradOutput and grad_<name> of every leaf to case."""
    case["output"] = arr(out)
    g = short(torch.randn(out.shape)) if quantize else torch.randn(out.shape)
    case["gradOutput"] = arr(g)
    out.backward(g)
    for name, t in leaves.items():
        case["grad_" + name] = arr(t.grad)
    return case


def pair(v):
    return list(v) if isinstance(v, tuple) else v


# --------------------------------------------------------------------------
# 1. convolutions
# --------------------------------------------------------------------------

def make_conv():
    FILE = "conv"
    cases = {}

    def conv(name, module_cls, in_c, out_c, k, in_shape, **kw):
        seed(FILE, name)
        layer = module_cls(in_c, out_c, k, **kw)
        with torch.no_grad():  # spread the bias so a wrong broadcast cannot hide
            layer.weight.copy_(short(layer.weight, 64))
            if layer.bias is not None:
                layer.bias.copy_(short(torch.randn(layer.bias.shape)))
        x = short(torch.randn(*in_shape)).requires_grad_(True)
        op = {torch.nn.Conv1d: "conv1d", torch.nn.Conv2d: "conv2d",
              torch.nn.ConvTranspose2d: "conv_transpose2d"}[module_cls]
        options = {"stride": pair(layer.stride), "dilation": pair(layer.dilation), "groups": layer.groups}
        options["padding"] = layer.padding if isinstance(layer.padding, str) else pair(layer.padding)
        if op == "conv_transpose2d":
            options["outputPadding"] = pair(layer.output_padding)
        else:
            options["paddingMode"] = layer.padding_mode
        if op == "conv1d":  # 1-d options as plain numbers
            options = {k2: (v[0] if isinstance(v, list) else v) for k2, v in options.items()}
        kernel = layer.kernel_size[0] if op == "conv1d" else pair(layer.kernel_size)
        case = {"op": op, "inChannels": in_c, "outChannels": out_c, "kernelSize": kernel,
                "options": options, "hasBias": layer.bias is not None,
                "input": arr(x), "weight": arr(layer.weight),
                "bias": arr(layer.bias) if layer.bias is not None else None}
        leaves = {"input": x, "weight": layer.weight}
        if layer.bias is not None:
            leaves["bias"] = layer.bias
        cases[name] = backward_case(case, layer(x), leaves, quantize=True)

    # one image of 7x9 by default (two where the batch matters): the files stay under MAX_BYTES
    C2 = torch.nn.Conv2d
    conv("conv2d_k3", C2, 3, 4, 3, (1, 3, 7, 9))
    conv("conv2d_k3_p1", C2, 3, 4, 3, (2, 3, 7, 9), padding=1)
    conv("conv2d_k3_s2_p1", C2, 3, 4, 3, (1, 3, 7, 9), stride=2, padding=1)
    conv("conv2d_k3x2_s2x1_p1x0", C2, 2, 3, (3, 2), (1, 2, 7, 9), stride=(2, 1), padding=(1, 0))
    conv("conv2d_k3_d2_p2", C2, 2, 3, 3, (1, 2, 7, 9), dilation=2, padding=2)
    conv("conv2d_k3_s2_d2x1_p1", C2, 2, 3, 3, (1, 2, 7, 9), stride=2, dilation=(2, 1), padding=1)
    conv("conv2d_k5_s3_p2", C2, 2, 3, 5, (1, 2, 7, 9), stride=3, padding=2)
    conv("conv2d_k7x9_whole_image", C2, 2, 3, (7, 9), (1, 2, 7, 9))
    conv("conv2d_groups2", C2, 4, 6, 3, (1, 4, 7, 9), padding=1, groups=2)
    conv("conv2d_depthwise", C2, 3, 3, 3, (2, 3, 7, 9), padding=1, groups=3)
    conv("conv2d_depthwise_multiplier2", C2, 3, 6, 3, (1, 3, 7, 9), stride=2, groups=3)
    conv("conv2d_1x1", C2, 3, 5, 1, (1, 3, 7, 9))
    conv("conv2d_1x1_groups3", C2, 6, 3, 1, (1, 6, 5, 4), groups=3)
    conv("conv2d_1x1_s2", C2, 3, 4, 1, (1, 3, 7, 9), stride=2)
    conv("conv2d_same_k3", C2, 2, 3, 3, (1, 2, 7, 9), padding="same")
    conv("conv2d_same_k4x2", C2, 2, 3, (4, 2), (1, 2, 7, 9), padding="same")
    conv("conv2d_same_k3_d2", C2, 2, 3, 3, (1, 2, 7, 9), padding="same", dilation=2)
    conv("conv2d_valid", C2, 2, 3, 3, (1, 2, 7, 9), padding="valid")
    conv("conv2d_nobias", C2, 3, 4, 3, (1, 3, 7, 9), padding=1, bias=False)
    for mode in ("reflect", "replicate", "circular"):
        conv(f"conv2d_{mode}", C2, 2, 3, 3, (1, 2, 7, 9), padding=(2, 1), padding_mode=mode)
    conv("conv2d_reflect_same_s1", C2, 2, 3, 4, (1, 2, 7, 9), padding="same", padding_mode="reflect")

    C1 = torch.nn.Conv1d
    conv("conv1d_k3", C1, 2, 3, 3, (2, 2, 11))
    conv("conv1d_k5_s2_p2", C1, 2, 3, 5, (2, 2, 11), stride=2, padding=2)
    conv("conv1d_k3_d2_same", C1, 2, 3, 3, (2, 2, 11), dilation=2, padding="same")
    conv("conv1d_groups2_nobias", C1, 4, 2, 3, (2, 4, 11), groups=2, bias=False)
    conv("conv1d_circular", C1, 2, 3, 3, (2, 2, 11), padding=1, padding_mode="circular")

    CT = torch.nn.ConvTranspose2d
    conv("conv_transpose2d_k3", CT, 3, 2, 3, (1, 3, 3, 4))
    conv("conv_transpose2d_k3_s2_p1", CT, 3, 2, 3, (2, 3, 3, 4), stride=2, padding=1)
    conv("conv_transpose2d_k3_s2_p1_op1", CT, 3, 2, 3, (1, 3, 3, 4), stride=2, padding=1, output_padding=1)
    conv("conv_transpose2d_k4_s2_p1", CT, 3, 2, 4, (1, 3, 3, 4), stride=2, padding=1)
    conv("conv_transpose2d_k3x2_s2x3_p1x0_op1x2", CT, 2, 3, (3, 2), (1, 2, 3, 4), stride=(2, 3),
         padding=(1, 0), output_padding=(1, 2))
    conv("conv_transpose2d_d2_s2", CT, 2, 3, 3, (1, 2, 3, 4), dilation=2, stride=2, padding=1)
    conv("conv_transpose2d_groups2", CT, 4, 6, 3, (1, 4, 3, 4), groups=2, stride=2)
    conv("conv_transpose2d_nobias", CT, 2, 3, 3, (1, 2, 3, 4), bias=False, stride=2)
    conv("conv_transpose2d_crop_p3", CT, 2, 3, 3, (1, 2, 3, 4), stride=2, padding=3)
    write_fixture(FILE, cases, GENERATOR)


# --------------------------------------------------------------------------
# 2. pooling
# --------------------------------------------------------------------------

def make_pool():
    FILE = "pool"
    cases = {}

    def pool(name, op, fn, in_shape, with_indices=False, **options):
        seed(FILE, name)
        x = torch.randn(*in_shape, requires_grad=True)
        case = {"op": op, "options": {k: pair(v) for k, v in options.items()}, "input": arr(x)}
        out = fn(x)
        if with_indices:
            out, idx = out
            case["indices"] = arr(idx)
        cases[name] = backward_case(case, out, {"input": x})

    def max2d(name, k, shape=(1, 2, 7, 9), indices=False, **kw):
        torch_kw = {{"ceilMode": "ceil_mode"}.get(a, a): b for a, b in kw.items()}
        pool(name, "max_pool2d", lambda x: F.max_pool2d(x, k, return_indices=indices, **torch_kw), shape,
             with_indices=indices, kernelSize=k, **kw)

    max2d("max_pool2d_k2", 2, shape=(2, 3, 7, 9))
    max2d("max_pool2d_k3_s2", 3, stride=2)
    max2d("max_pool2d_k3_s2_p1", 3, stride=2, padding=1)
    max2d("max_pool2d_k2x3_s1x2", (2, 3), stride=(1, 2))
    max2d("max_pool2d_k3_s1_p1_d2", 3, stride=1, padding=1, dilation=2)
    max2d("max_pool2d_k2_ceil", 2, ceilMode=True)
    max2d("max_pool2d_k3_s2_p1_ceil", 3, stride=2, padding=1, ceilMode=True)
    max2d("max_pool2d_k2_indices", 2, indices=True)
    max2d("max_pool2d_k3_s2_p1_indices", 3, stride=2, padding=1, indices=True)
    max2d("max_pool2d_d2_ceil_indices", 2, stride=2, dilation=2, padding=1, ceilMode=True, indices=True)
    max2d("max_pool2d_unbatched", 2, shape=(3, 6, 5))

    def avg2d(name, k, shape=(1, 2, 7, 9), **kw):
        names = {"ceilMode": "ceil_mode", "countIncludePad": "count_include_pad",
                 "divisorOverride": "divisor_override"}
        torch_kw = {names.get(a, a): b for a, b in kw.items()}
        pool(name, "avg_pool2d", lambda x: F.avg_pool2d(x, k, **torch_kw), shape, kernelSize=k, **kw)

    avg2d("avg_pool2d_k2", 2)
    avg2d("avg_pool2d_k3_s2_p1", 3, stride=2, padding=1)
    avg2d("avg_pool2d_k3_s2_p1_exclude_pad", 3, stride=2, padding=1, countIncludePad=False)
    avg2d("avg_pool2d_k2x3_s1x2_p1", (2, 3), stride=(1, 2), padding=1)
    avg2d("avg_pool2d_k3_s2_p1_ceil", 3, stride=2, padding=1, ceilMode=True)
    avg2d("avg_pool2d_k3_s2_p1_ceil_exclude_pad", 3, stride=2, padding=1, ceilMode=True,
          countIncludePad=False)
    avg2d("avg_pool2d_k2_ceil", 2, ceilMode=True)
    avg2d("avg_pool2d_divisor_override", 3, stride=2, padding=1, divisorOverride=5)

    for size in (1, (3, 4), (4, 5), (10, 2), (None, 3)):
        sizes = size if isinstance(size, tuple) else (size,)
        tag = "x".join("None" if s is None else str(s) for s in sizes)
        pool(f"adaptive_avg_pool2d_{tag}", "adaptive_avg_pool2d",
             lambda x, s=size: F.adaptive_avg_pool2d(x, s),
             (1, 2, 7, 9), outputSize=size)

    pool("max_pool1d_k3_s2_p1", "max_pool1d", lambda x: F.max_pool1d(x, 3, stride=2, padding=1),
         (2, 3, 11), kernelSize=3, stride=2, padding=1)
    pool("max_pool1d_k2_indices", "max_pool1d", lambda x: F.max_pool1d(x, 2, return_indices=True),
         (2, 3, 11), with_indices=True, kernelSize=2)
    pool("avg_pool1d_k3_s2_p1", "avg_pool1d", lambda x: F.avg_pool1d(x, 3, stride=2, padding=1),
         (2, 3, 11), kernelSize=3, stride=2, padding=1)
    pool("avg_pool1d_k4_ceil_exclude_pad", "avg_pool1d",
         lambda x: F.avg_pool1d(x, 4, stride=3, padding=2, ceil_mode=True, count_include_pad=False),
         (2, 3, 11), kernelSize=4, stride=3, padding=2, ceilMode=True, countIncludePad=False)
    pool("adaptive_avg_pool1d_4", "adaptive_avg_pool1d", lambda x: F.adaptive_avg_pool1d(x, 4),
         (2, 3, 11), outputSize=4)
    write_fixture(FILE, cases, GENERATOR)


# --------------------------------------------------------------------------
# 3. normalization
# --------------------------------------------------------------------------

def make_norm():
    FILE = "norm"
    cases = {}

    def batch_norm(name, cls, num, shape, **kw):
        """Two training steps then one eval step; records the buffers after the training steps."""
        seed(FILE, name)
        bn = cls(num, **kw)
        if bn.affine:
            with torch.no_grad():
                bn.weight.uniform_(0.5, 1.5)
                bn.bias.normal_()
        options = {"eps": bn.eps, "momentum": bn.momentum, "affine": bn.affine,
                   "trackRunningStats": bn.track_running_stats}
        case = {"op": cls.__name__, "numFeatures": num, "options": options}
        if bn.affine:
            case["weight"], case["bias"] = arr(bn.weight), arr(bn.bias)
        steps = []
        for step, mode in enumerate(("train", "train", "eval")):
            bn.train(mode == "train")
            x = short(torch.randn(*shape) * 2 + 0.5 * step).requires_grad_(True)
            leaves = {"input": x}
            if bn.affine:
                bn.weight.grad, bn.bias.grad = None, None
                leaves.update(weight=bn.weight, bias=bn.bias)
            steps.append(backward_case({"mode": mode, "input": arr(x)}, bn(x), leaves, quantize=True))
            if step == 1 and bn.track_running_stats:
                case["running_mean"] = arr(bn.running_mean)
                case["running_var"] = arr(bn.running_var)
                case["num_batches_tracked"] = arr(bn.num_batches_tracked)
        case["steps"] = steps
        cases[name] = case

    BN1, BN2 = torch.nn.BatchNorm1d, torch.nn.BatchNorm2d
    batch_norm("batch_norm2d", BN2, 3, (2, 3, 4, 5))
    batch_norm("batch_norm2d_momentum0.3_eps1e-3", BN2, 3, (2, 3, 4, 5), momentum=0.3, eps=1e-3)
    batch_norm("batch_norm2d_cumulative", BN2, 3, (2, 3, 4, 5), momentum=None)
    batch_norm("batch_norm2d_no_affine", BN2, 3, (2, 3, 4, 5), affine=False)
    batch_norm("batch_norm2d_no_running_stats", BN2, 3, (2, 3, 4, 5), track_running_stats=False)
    batch_norm("batch_norm1d_2d_input", BN1, 5, (8, 5))
    batch_norm("batch_norm1d_3d_input", BN1, 4, (3, 4, 7))

    def layer_norm(name, normalized, shape, **kw):
        seed(FILE, name)
        ln = torch.nn.LayerNorm(normalized, **kw)
        if ln.elementwise_affine:
            with torch.no_grad():
                ln.weight.uniform_(0.5, 1.5)
                ln.bias.normal_()
        x = short(torch.randn(*shape) * 3 + 1).requires_grad_(True)
        case = {"op": "LayerNorm", "normalizedShape": list(ln.normalized_shape),
                "options": {"eps": ln.eps, "elementwiseAffine": ln.elementwise_affine}, "input": arr(x)}
        leaves = {"input": x}
        if ln.elementwise_affine:
            case["weight"], case["bias"] = arr(ln.weight), arr(ln.bias)
            leaves.update(weight=ln.weight, bias=ln.bias)
        cases[name] = backward_case(case, ln(x), leaves, quantize=True)

    layer_norm("layer_norm_last", 6, (2, 3, 6))
    layer_norm("layer_norm_last2", (4, 5), (3, 4, 5))
    layer_norm("layer_norm_no_affine_eps1e-3", 6, (4, 6), elementwise_affine=False, eps=1e-3)
    write_fixture(FILE, cases, GENERATOR)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    make_conv()
    make_pool()
    make_norm()


if __name__ == "__main__":
    main()
