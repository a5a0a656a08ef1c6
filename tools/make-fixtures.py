#!/usr/bin/python3
"""Generate the PyTorch reference fixtures in test/fixtures/.

Run with the system interpreter that has PyTorch 1.13 installed:

    /usr/bin/python3 tools/make-fixtures.py

The output is deterministic: every case re-seeds torch with a CRC32 of
"<file>/<case>", so adding or removing a case never changes the others.
The schema is documented in test/fixtures/README.md.
"""
import json
import math
import os
import struct
import zlib

import torch
import torch.nn.functional as F

from fixture_io import MAX_BYTES, OUT_DIR, arr, seed, write_json as write_fixture

GENERATOR = "tools/make-fixtures.py"

torch.set_default_dtype(torch.float32)


# --------------------------------------------------------------------------
# serialisation helpers
# --------------------------------------------------------------------------

def run_case(fn, inputs, diff, fields=None):
    """Evaluate fn(**inputs) and attach output / gradOutput / grad_<name>.

    inputs: ordered dict name -> tensor (leaves are cloned, so callers may
    reuse them); diff: names of the inputs to differentiate.
    Scalar (0-d) outputs are differentiated directly (no gradOutput);
    other outputs get a random float gradOutput of the same shape, and the
    gradients are d(sum(output * gradOutput))/d(input).
    """
    case = dict(fields or {})
    leaves = {}
    for name, t in inputs.items():
        t = t.detach().clone()
        if name in diff:
            t.requires_grad_(True)
        leaves[name] = t
        case[name] = arr(t)
    out = fn(**leaves)
    extra = None
    if isinstance(out, tuple):
        out, extra = out
    case["output"] = arr(out)
    if extra is not None:
        case["indices"] = arr(extra)
    if diff:
        if out.dim() == 0:
            out.backward()
        else:
            g = torch.randn(out.shape, dtype=out.dtype)
            case["gradOutput"] = arr(g)
            out.backward(g)
        for name in diff:
            grad = leaves[name].grad
            if grad is None:
                grad = torch.zeros_like(leaves[name])
            case["grad_" + name] = arr(grad)
    return case


def with_specials(t, specials):
    flat = t.flatten().clone()
    flat[: len(specials)] = torch.tensor(specials, dtype=t.dtype)
    return flat[torch.randperm(flat.numel())].reshape(t.shape)


# --------------------------------------------------------------------------
# 1. activations
# --------------------------------------------------------------------------

def make_activations():
    FILE = "activations"
    cases = {}
    specials = [30.0, -30.0, 1e-3, -1e-3, 0.05, -0.05, 15.0, -15.0, 2.5, -2.5]

    def elementwise(name, op, fn, **opts):
        seed(FILE, name)
        x = with_specials(torch.randn(4, 6) * 2, specials)
        assert (x != 0).all()
        cases[name] = run_case(lambda input: fn(input), {"input": x}, ["input"],
                               {"op": op, **opts})

    elementwise("sigmoid", "sigmoid", torch.sigmoid)
    elementwise("tanh", "tanh", torch.tanh)
    elementwise("relu", "relu", F.relu)
    for s in (0.01, 0.2):
        elementwise(f"leaky_relu_slope{s}", "leaky_relu",
                    lambda x, s=s: F.leaky_relu(x, negative_slope=s), negativeSlope=s)
    elementwise("gelu", "gelu", lambda x: F.gelu(x), approximate="none")
    elementwise("gelu_tanh", "gelu", lambda x: F.gelu(x, approximate="tanh"),
                approximate="tanh")
    for a in (1.0, 0.5):
        elementwise(f"elu_alpha{a}", "elu", lambda x, a=a: F.elu(x, alpha=a), alpha=a)
    elementwise("silu", "silu", F.silu)
    for b in (1.0, 2.0):
        elementwise(f"softplus_beta{b:g}", "softplus",
                    lambda x, b=b: F.softplus(x, beta=b, threshold=20.0),
                    beta=b, threshold=20.0)

    for op, fn in (("softmax", F.softmax), ("log_softmax", F.log_softmax)):
        for shape in ((3, 5), (2, 3, 4)):
            for dim in (0, 1, -1):
                name = f"{op}_{'x'.join(map(str, shape))}_dim{dim}"
                seed(FILE, name)
                x = with_specials(torch.randn(*shape) * 2, [30.0, -30.0, 1e-3])
                cases[name] = run_case(lambda input, fn=fn, dim=dim: fn(input, dim=dim),
                                       {"input": x}, ["input"], {"op": op, "dim": dim})
    write_fixture(FILE, cases, GENERATOR)


# --------------------------------------------------------------------------
# 2. ops
# --------------------------------------------------------------------------

def make_ops():
    FILE = "ops"
    cases = {}

    # unary
    unary = {
        "neg": (torch.neg, lambda: torch.randn(3, 4) * 2),
        "exp": (torch.exp, lambda: torch.randn(3, 4) * 2),
        "log": (torch.log, lambda: torch.rand(3, 4) * 3 + 0.1),
        "log1p": (torch.log1p, lambda: torch.rand(3, 4) * 3 - 0.9),
        "sqrt": (torch.sqrt, lambda: torch.rand(3, 4) * 3 + 0.1),
        "rsqrt": (torch.rsqrt, lambda: torch.rand(3, 4) * 3 + 0.1),
        "abs": (torch.abs, lambda: torch.randn(3, 4) * 2),
        "sign": (torch.sign, lambda: torch.randn(3, 4) * 2),
    }
    for op, (fn, gen) in unary.items():
        seed(FILE, op)
        x = gen()
        assert (x != 0).all()
        cases[op] = run_case(lambda input, fn=fn: fn(input), {"input": x}, ["input"], {"op": op})

    # binary with broadcasting
    binary = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
              "pow": torch.pow, "maximum": torch.maximum, "minimum": torch.minimum}
    shapes = {"2x3_3": ((2, 3), (3,)), "2x1x4_3x1": ((2, 1, 4), (3, 1)),
              "2x3_scalar": ((2, 3), ()), "scalar_2x3": ((), (2, 3))}
    for op, fn in binary.items():
        for sname, (sa, sb) in shapes.items():
            name = f"{op}_{sname}"
            seed(FILE, name)
            a, b = torch.randn(sa), torch.randn(sb)
            if op == "pow":
                a = torch.rand(sa) * 2 + 0.2  # positive base (d/db uses log a)
            if op == "div":
                b = torch.sign(b) * (b.abs() + 0.5)  # keep away from 0
            cases[name] = run_case(lambda a, b, fn=fn: fn(a, b), {"a": a, "b": b}, ["a", "b"],
                                   {"op": op})
    for e, positive in ((2.0, False), (3.0, False), (2.5, True), (-0.5, True)):
        name = f"pow_exponent{e:g}"
        seed(FILE, name)
        a = torch.rand(3, 4) * 2 + 0.2 if positive else torch.randn(3, 4) * 2
        cases[name] = run_case(lambda a, e=e: torch.pow(a, e), {"a": a}, ["a"],
                               {"op": "pow", "exponent": e})

    # clamp
    for name, lo, hi in (("clamp", -0.5, 0.7), ("clamp_min", -0.5, None), ("clamp_max", None, 0.7)):
        seed(FILE, name)
        x = torch.randn(4, 5)
        cases[name] = run_case(lambda input, lo=lo, hi=hi: torch.clamp(input, min=lo, max=hi),
                               {"input": x}, ["input"], {"op": "clamp", "min": lo, "max": hi})

    # where
    for name, sc, sa, sb in (("where", (3, 4), (3, 4), (3, 4)),
                             ("where_broadcast", (3, 4), (4,), (3, 1))):
        seed(FILE, name)
        cond = (torch.rand(sc) > 0.5).float()
        cases[name] = run_case(lambda cond, a, b: torch.where(cond.bool(), a, b),
                               {"cond": cond, "a": torch.randn(sa), "b": torch.randn(sb)},
                               ["a", "b"], {"op": "where"})

    # reductions over [2,3,4]
    def reducer(op, dim, keep, unbiased=None):
        alld = (0, 1, 2)
        d = alld if dim is None else (tuple(dim) if isinstance(dim, list) else dim)

        def fn(input):
            if op in ("sum", "mean", "prod", "logsumexp"):
                if op == "prod":
                    if dim is None:
                        r = torch.prod(input)
                        return r.reshape(1, 1, 1) if keep else r
                    if isinstance(d, tuple):  # prod has no multi-dim form
                        r = input
                        for k in sorted(d, reverse=True):
                            r = torch.prod(r, dim=k, keepdim=keep)
                        return r
                    return torch.prod(input, dim=d, keepdim=keep)
                return getattr(torch, op)(input, dim=d, keepdim=keep)
            if op in ("max", "min"):
                if isinstance(dim, int):
                    r = getattr(torch, op)(input, dim=dim, keepdim=keep)
                    return r.values, r.indices
                if dim is None and not keep:
                    return getattr(torch, op)(input)
                return getattr(torch, "a" + op)(input, dim=d, keepdim=keep)
            return getattr(torch, op)(input, dim=d, unbiased=unbiased, keepdim=keep)
        return fn

    dims = [None, 0, 1, [0, 2]]
    for op in ("sum", "mean", "max", "min", "prod", "var", "std", "logsumexp"):
        for dim in dims:
            for keep in (False, True):
                dname = "None" if dim is None else ("_".join(map(str, dim)) if isinstance(dim, list) else str(dim))
                for unbiased in ((True, False) if op in ("var", "std") else (None,)):
                    tag = "" if unbiased is None else ("_unbiased" if unbiased else "_biased")
                    name = f"{op}{tag}_dim{dname}_keep{keep}"
                    seed(FILE, name)
                    x = torch.randn(2, 3, 4)
                    if op == "prod":
                        x = torch.sign(x) * (x.abs() * 0.5 + 0.6)
                    fields = {"op": op, "dim": dim, "keepDim": keep}
                    if unbiased is not None:
                        fields["unbiased"] = unbiased
                    cases[name] = run_case(reducer(op, dim, keep, unbiased), {"input": x},
                                           ["input"], fields)

    # argmax / argmin
    for op in ("argmax", "argmin"):
        for dim, keep in ((0, False), (1, False), (-1, False), (2, True)):
            name = f"{op}_dim{dim}_keep{keep}"
            seed(FILE, name)
            x = torch.randn(2, 3, 4)
            cases[name] = run_case(lambda input, op=op, dim=dim, keep=keep:
                                   getattr(torch, op)(input, dim=dim, keepdim=keep),
                                   {"input": x}, [], {"op": op, "dim": dim, "keepDim": keep})

    # matmul
    for name, sa, sb in (("matmul_1d_1d", (4,), (4,)), ("matmul_2d_1d", (3, 4), (4,)),
                         ("matmul_1d_2d", (4,), (4, 5)), ("matmul_2d_2d", (3, 4), (4, 5)),
                         ("matmul_batched", (2, 3, 4), (4, 5)),
                         ("matmul_broadcast", (2, 1, 3, 4), (3, 4, 2))):
        seed(FILE, name)
        cases[name] = run_case(lambda a, b: torch.matmul(a, b), {"a": torch.randn(sa), "b": torch.randn(sb)},
                               ["a", "b"], {"op": "matmul"})

    # gather / index_select (indices contain duplicates -> gradient accumulation)
    for name, dim, index in (("gather_dim1", 1, [[0, 3, 3], [2, 1, 0], [1, 1, 2]]),
                             ("gather_dim0", 0, [[2, 0, 1, 2], [0, 0, 2, 1]])):
        seed(FILE, name)
        cases[name] = run_case(lambda input, index, dim=dim: torch.gather(input, dim, index),
                               {"input": torch.randn(3, 4), "index": torch.tensor(index)},
                               ["input"], {"op": "gather", "dim": dim})
    for name, dim, index in (("index_select_dim0", 0, [3, 0, 3, 1]),
                             ("index_select_dim1", 1, [2, 2, 0])):
        seed(FILE, name)
        cases[name] = run_case(lambda input, index, dim=dim: torch.index_select(input, dim, index),
                               {"input": torch.randn(4, 3), "index": torch.tensor(index)},
                               ["input"], {"op": "index_select", "dim": dim})
    write_fixture(FILE, cases, GENERATOR)


# --------------------------------------------------------------------------
# 3. losses
# --------------------------------------------------------------------------

def make_losses():
    FILE = "losses"
    cases = {}
    N, C = 4, 5
    REDS = ("mean", "sum", "none")

    def add(base, op, gen, fn, diff=("input",), reductions=REDS, **opts):
        for red in reductions:
            name = f"{base}_{red}"
            seed(FILE, base)  # same data for every reduction of a config
            inputs = gen()
            fields = {"op": op, "reduction": red}
            for k, v in opts.items():
                fields[k] = arr(v) if isinstance(v, torch.Tensor) else v
            cases[name] = run_case(lambda red=red, **kw: fn(reduction=red, **kw),
                                   inputs, list(diff), fields)

    def regression():
        x = torch.randn(N, 3) * 2
        return {"input": x, "target": x + torch.randn(N, 3) * 1.5}

    add("mse_loss", "mse_loss", regression,
        lambda input, target, reduction: F.mse_loss(input, target, reduction=reduction),
        diff=("input", "target"))
    add("l1_loss", "l1_loss", regression,
        lambda input, target, reduction: F.l1_loss(input, target, reduction=reduction),
        diff=("input", "target"))
    for d in (1.0, 0.5):
        add(f"huber_loss_delta{d}", "huber_loss", regression,
            lambda input, target, reduction, d=d: F.huber_loss(input, target, reduction=reduction, delta=d),
            diff=("input", "target"), delta=d)

    # cross entropy
    def ce_idx():
        return {"input": torch.randn(N, C) * 2, "target": torch.randint(0, C, (N,))}

    def ce_prob():
        return {"input": torch.randn(N, C) * 2,
                "target": torch.softmax(torch.randn(N, C), dim=1)}

    def ce_ignore():
        t = torch.randint(0, C, (N + 2,))
        t[1] = -100
        t[4] = -100
        return {"input": torch.randn(N + 2, C) * 2, "target": t}

    seed(FILE, "ce_weight_vector")
    w_c = torch.rand(C) + 0.25

    def ce(**k):
        return lambda input, target, reduction: F.cross_entropy(input, target, reduction=reduction, **k)

    add("cross_entropy", "cross_entropy", ce_idx, ce())
    add("cross_entropy_probs", "cross_entropy", ce_prob, ce())
    add("cross_entropy_label_smoothing", "cross_entropy", ce_idx, ce(label_smoothing=0.1),
        labelSmoothing=0.1)
    add("cross_entropy_probs_label_smoothing", "cross_entropy", ce_prob, ce(label_smoothing=0.1),
        labelSmoothing=0.1)
    add("cross_entropy_weight", "cross_entropy", ce_idx, ce(weight=w_c), weight=w_c)
    add("cross_entropy_ignore_index", "cross_entropy", ce_ignore, ce(ignore_index=-100),
        ignoreIndex=-100)
    add("cross_entropy_weight_ignore_index", "cross_entropy", ce_ignore,
        ce(weight=w_c, ignore_index=-100), weight=w_c, ignoreIndex=-100)

    # nll
    def nll_gen():
        return {"input": F.log_softmax(torch.randn(N, C) * 2, dim=1),
                "target": torch.randint(0, C, (N,))}

    add("nll_loss", "nll_loss", nll_gen,
        lambda input, target, reduction: F.nll_loss(input, target, reduction=reduction))
    add("nll_loss_weight", "nll_loss", nll_gen,
        lambda input, target, reduction: F.nll_loss(input, target, weight=w_c, reduction=reduction),
        weight=w_c)

    # binary cross entropy (input = probabilities)
    seed(FILE, "bce_weight")
    w_b = torch.rand(N, 3) + 0.25

    def bce_gen():
        return {"input": torch.sigmoid(torch.randn(N, 3) * 2),
                "target": (torch.rand(N, 3) > 0.5).float()}

    add("binary_cross_entropy", "binary_cross_entropy", bce_gen,
        lambda input, target, reduction: F.binary_cross_entropy(input, target, reduction=reduction))
    add("binary_cross_entropy_weight", "binary_cross_entropy", bce_gen,
        lambda input, target, reduction: F.binary_cross_entropy(input, target, weight=w_b, reduction=reduction),
        weight=w_b)

    # BCE with logits, including extreme logits
    seed(FILE, "bce_pos_weight")
    pw = torch.rand(3) * 2 + 0.5

    def bcel_gen():
        x = torch.randn(N, 3) * 2
        t = (torch.rand(N, 3) > 0.5).float()
        x[0, 0], t[0, 0] = 50.0, 0.0
        x[0, 1], t[0, 1] = -50.0, 1.0
        x[1, 0], t[1, 0] = 50.0, 1.0
        x[1, 1], t[1, 1] = -50.0, 0.0
        return {"input": x, "target": t}

    add("binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits", bcel_gen,
        lambda input, target, reduction: F.binary_cross_entropy_with_logits(input, target, reduction=reduction))
    add("binary_cross_entropy_with_logits_pos_weight", "binary_cross_entropy_with_logits", bcel_gen,
        lambda input, target, reduction: F.binary_cross_entropy_with_logits(
            input, target, pos_weight=pw, reduction=reduction), posWeight=pw)

    # KL divergence
    for lt in (False, True):
        def kl_gen(lt=lt):
            inp = F.log_softmax(torch.randn(N, C), dim=1)
            tgt = F.log_softmax(torch.randn(N, C), dim=1)
            return {"input": inp, "target": tgt if lt else tgt.exp()}
        add(f"kl_div_log_target_{str(lt).lower()}", "kl_div", kl_gen,
            lambda input, target, reduction, lt=lt: F.kl_div(input, target, reduction=reduction, log_target=lt),
            diff=("input", "target"), reductions=("mean", "sum", "none", "batchmean"), logTarget=lt)

    # hinge embedding
    def hinge_gen():
        x = torch.randn(N, 3) * 1.5
        t = torch.where(torch.rand(N, 3) > 0.5, 1.0, -1.0)
        return {"input": x, "target": t}

    for m in (1.0, 2.0):
        add(f"hinge_embedding_loss_margin{m:g}", "hinge_embedding_loss", hinge_gen,
            lambda input, target, reduction, m=m: F.hinge_embedding_loss(input, target, margin=m, reduction=reduction),
            margin=m)

    # multi margin
    for p in (1, 2):
        for weighted in (False, True):
            base = f"multi_margin_loss_p{p}" + ("_weight" if weighted else "")
            opts = {"p": p, "margin": 1.0}
            if weighted:
                opts["weight"] = w_c
            add(base, "multi_margin_loss", ce_idx,
                lambda input, target, reduction, p=p, w=(w_c if weighted else None):
                F.multi_margin_loss(input, target, p=p, margin=1.0, weight=w, reduction=reduction),
                **opts)
    write_fixture(FILE, cases, GENERATOR)


# --------------------------------------------------------------------------
# 4. linear
# --------------------------------------------------------------------------

def make_linear():
    FILE = "linear"
    cases = {}
    for bias in (True, False):
        for nd, shape in ((2, (4, 5)), (3, (2, 4, 5))):
            name = f"linear_{'bias' if bias else 'nobias'}_{nd}d"
            seed(FILE, name)
            lin = torch.nn.Linear(5, 3, bias=bias)
            x = torch.randn(*shape, requires_grad=True)
            out = lin(x)
            g = torch.randn(out.shape)
            out.backward(g)
            case = {"op": "linear", "inFeatures": 5, "outFeatures": 3, "hasBias": bias,
                    "weight": arr(lin.weight), "bias": arr(lin.bias) if bias else None,
                    "input": arr(x), "output": arr(out), "gradOutput": arr(g),
                    "grad_input": arr(x.grad), "grad_weight": arr(lin.weight.grad)}
            if bias:
                case["grad_bias"] = arr(lin.bias.grad)
            cases[name] = case
    write_fixture(FILE, cases, GENERATOR)


# --------------------------------------------------------------------------
# 5. mlp
# --------------------------------------------------------------------------

def make_mlp():
    FILE = "mlp"
    seed(FILE, "mlp")
    model = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.ReLU(), torch.nn.Linear(8, 4))
    x = torch.randn(5, 6, requires_grad=True)
    target = torch.randint(0, 4, (5,))
    logits = model(x)
    loss = F.cross_entropy(logits, target)
    loss.backward()
    case = {"architecture": "Sequential(Linear(6,8), ReLU(), Linear(8,4))",
            "state": {k: arr(v) for k, v in model.state_dict().items()},
            "input": arr(x), "target": arr(target), "output": arr(logits),
            "loss": arr(loss), "lossFn": "cross_entropy", "reduction": "mean"}
    for k, p in model.named_parameters():
        case["grad_" + k] = arr(p.grad)
    case["grad_input"] = arr(x.grad)
    write_fixture(FILE, {"mlp": case}, GENERATOR)


# --------------------------------------------------------------------------
# 6. optimizers
# --------------------------------------------------------------------------

OPT_KEYS = {  # torch key -> camelCase, in the order recorded
    "SGD": ["lr", "momentum", "dampening", "weight_decay", "nesterov"],
    "Adagrad": ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"],
    "RMSprop": ["lr", "alpha", "eps", "weight_decay", "momentum", "centered"],
    "Adam": ["lr", "betas", "eps", "weight_decay", "amsgrad"],
    "AdamW": ["lr", "betas", "eps", "weight_decay", "amsgrad"],
}


def camel(k):
    head, *rest = k.split("_")
    return head + "".join(w.capitalize() for w in rest)


def opt_options(kind, group):
    out = {}
    for k in OPT_KEYS[kind]:
        v = group[k]
        out[camel(k)] = list(v) if isinstance(v, tuple) else v
    return out


def make_optim():
    FILE = "optim"
    STEPS = 10
    configs = [
        ("sgd", "SGD", dict(lr=0.1)),
        ("sgd_momentum", "SGD", dict(lr=0.1, momentum=0.9)),
        ("sgd_momentum_dampening", "SGD", dict(lr=0.1, momentum=0.9, dampening=0.1)),
        ("sgd_nesterov_weight_decay", "SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
        ("adagrad", "Adagrad", dict(lr=0.1)),
        ("adagrad_lr_decay_weight_decay_init_acc", "Adagrad",
         dict(lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1)),
        ("rmsprop", "RMSprop", dict(lr=0.01, alpha=0.99)),
        ("rmsprop_momentum_centered_weight_decay", "RMSprop",
         dict(lr=0.01, alpha=0.99, momentum=0.9, centered=True, weight_decay=0.01)),
        ("adam", "Adam", dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8)),
        ("adam_amsgrad_weight_decay", "Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.01)),
        ("adamw", "AdamW", dict(lr=0.01, weight_decay=0.01)),
        ("adamw_amsgrad", "AdamW", dict(lr=0.01, amsgrad=True)),
        ("sgd_param_groups", "SGD", None),
    ]
    cases = {}
    for name, kind, kw in configs:
        seed(FILE, name)
        p0 = torch.randn(3, 4).requires_grad_(True)
        p1 = torch.randn(4).requires_grad_(True)
        grads = [{"p0": torch.randn(3, 4), "p1": torch.randn(4)} for _ in range(STEPS)]
        case = {"optimizer": kind, "p0": arr(p0), "p1": arr(p1)}
        cls = getattr(torch.optim, kind)
        if kw is None:
            opt = cls([{"params": [p0], "lr": 0.1, "momentum": 0.9},
                       {"params": [p1], "lr": 0.01}], lr=0.1)
            case["options"] = {"lr": 0.1}
            case["groups"] = [{"params": ["p0"], "options": opt_options(kind, opt.param_groups[0])},
                              {"params": ["p1"], "options": opt_options(kind, opt.param_groups[1])}]
        else:
            opt = cls([p0, p1], **kw)
            case["options"] = opt_options(kind, opt.param_groups[0])
        case["grads"] = [{k: arr(v) for k, v in g.items()} for g in grads]
        after = []
        for g in grads:
            opt.zero_grad()
            p0.grad = g["p0"].clone()
            p1.grad = g["p1"].clone()
            opt.step()
            after.append({"p0": arr(p0), "p1": arr(p1)})
        case["after_step"] = after
        case["final_p0"] = arr(p0)
        case["final_p1"] = arr(p1)
        cases[name] = case
    write_fixture(FILE, cases, GENERATOR)


# --------------------------------------------------------------------------
# 7. schedulers
# --------------------------------------------------------------------------

def make_schedulers():
    FILE = "schedulers"
    S = torch.optim.lr_scheduler
    STEPS = 12
    metrics = [1.0, 0.8, 0.7, 0.7, 0.69995, 0.7, 0.71, 0.6, 0.6, 0.6, 0.6, 0.6]
    configs = [
        ("step_lr", "StepLR", lambda o: S.StepLR(o, step_size=3, gamma=0.5),
         {"stepSize": 3, "gamma": 0.5}),
        ("multi_step_lr", "MultiStepLR", lambda o: S.MultiStepLR(o, milestones=[2, 5, 9], gamma=0.1),
         {"milestones": [2, 5, 9], "gamma": 0.1}),
        ("exponential_lr", "ExponentialLR", lambda o: S.ExponentialLR(o, gamma=0.9), {"gamma": 0.9}),
        ("cosine_annealing_lr", "CosineAnnealingLR",
         lambda o: S.CosineAnnealingLR(o, T_max=5, eta_min=0.001), {"tMax": 5, "etaMin": 0.001}),
        ("linear_lr", "LinearLR",
         lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=4),
         {"startFactor": 0.25, "endFactor": 1.0, "totalIters": 4}),
        ("reduce_lr_on_plateau", "ReduceLROnPlateau",
         lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=2, threshold=1e-4,
                                       threshold_mode="rel", cooldown=1, min_lr=0.001, eps=1e-8),
         {"mode": "min", "factor": 0.5, "patience": 2, "threshold": 1e-4, "thresholdMode": "rel",
          "cooldown": 1, "minLr": 0.001, "eps": 1e-8}),
    ]
    cases = {}
    for name, kind, make, opts in configs:
        p = torch.zeros(2, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1)
        sched = make(opt)
        lrs = [float(opt.param_groups[0]["lr"])]
        for i in range(STEPS):
            opt.step()
            if kind == "ReduceLROnPlateau":
                sched.step(metrics[i])
            else:
                sched.step()
            lrs.append(float(opt.param_groups[0]["lr"]))
        case = {"scheduler": kind, "optimizer": "SGD", "baseLr": 0.1, "options": opts, "lrs": lrs}
        if kind == "ReduceLROnPlateau":
            case["metrics"] = metrics
        if kind == "CosineAnnealingLR":
            case["lrsClosedForm"] = [0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * e / 5)) / 2
                                     for e in range(STEPS + 1)]
        cases[name] = case
    write_fixture(FILE, cases, GENERATOR)


# --------------------------------------------------------------------------
# 8. safetensors state dict
# --------------------------------------------------------------------------

def write_safetensors(path, tensors, metadata):
    """Byte layout of safetensors.torch.save_file (tensors sorted by name,
    all F32 here; header compact JSON, space-padded to a multiple of 8)."""
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for key in sorted(tensors):
        t = tensors[key].detach().cpu().contiguous()
        assert t.dtype == torch.float32
        raw = struct.pack("<%df" % t.numel(), *t.flatten().tolist())
        header[key] = {"dtype": "F32", "shape": list(t.shape),
                       "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hbytes += b" " * ((8 - len(hbytes) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hbytes)))
        f.write(hbytes)
        for b in blobs:
            f.write(b)
    return 8 + len(hbytes) + offset


def read_safetensors(path):
    with open(path, "rb") as f:
        buf = f.read()
    n = struct.unpack("<Q", buf[:8])[0]
    header = json.loads(buf[8:8 + n].decode("utf-8"))
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        b, e = v["data_offsets"]
        vals = struct.unpack("<%df" % ((e - b) // 4), buf[8 + n + b:8 + n + e])
        out[k] = torch.tensor(vals, dtype=torch.float32).reshape(v["shape"])
    return out


def make_state_dict():
    FILE = "state-dict"
    seed(FILE, "model")
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    x = torch.randn(5, 4)
    with torch.no_grad():
        y = model(x)
    sd = model.state_dict()
    path = os.path.join(OUT_DIR, FILE + ".safetensors")
    nbytes = write_safetensors(path, sd, {"format": "pt"})
    back = read_safetensors(path)  # round-trip self-check
    assert set(back) == set(sd) and all(torch.equal(back[k], sd[k]) for k in sd)
    print(f"{FILE}.safetensors: {nbytes} bytes")
    case = {"architecture": "Sequential(Linear(4,8), Tanh(), Linear(8,3))",
            "file": FILE + ".safetensors", "keys": list(sd.keys()),
            "state": {k: arr(v) for k, v in sd.items()},
            "input": arr(x), "output": arr(y)}
    write_fixture(FILE, {"model": case}, GENERATOR)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    make_activations()
    make_ops()
    make_losses()
    make_linear()
    make_mlp()
    make_optim()
    make_schedulers()
    make_state_dict()


if __name__ == "__main__":
    main()
