#!/usr/bin/python3
"""Generate the PyTorch reference fixtures of the recurrent layers: rnn-layers.json, rnn-cells.json,
rnn-packed.json, rnn-embedding.json, rnn-clip.json.

Run with the system interpreter that has PyTorch 1.13 installed:

    /usr/bin/python3 tools/make-rnn-fixtures.py

Same conventions and schema as tools/make-fixtures.py (see test/fixtures/README.md): every case
re-seeds torch with a CRC32 of "<file>/<case>", arrays are {shape, dtype, data}, option names are
camelCase. Gradients are those of L = sum(output * gradOutput) + sum(hN * gradHN) [+ sum(cN * gradCN)]
with respect to the input, the initial states and every weight (`grad_<PyTorch name>`).
"""
import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from fixture_io import arr, seed, write_json

GENERATOR = "tools/make-rnn-fixtures.py"
torch.set_default_dtype(torch.float32)


def short(t, steps=32):
    """t rounded to multiples of 1/steps: exact in float32 and short in JSON."""
    return torch.round(t * steps) / steps


MODULES = {"RNN_TANH": torch.nn.RNN, "RNN_RELU": torch.nn.RNN, "GRU": torch.nn.GRU, "LSTM": torch.nn.LSTM}
CELLS = {"RNN_TANH": torch.nn.RNNCell, "RNN_RELU": torch.nn.RNNCell, "GRU": torch.nn.GRUCell,
         "LSTM": torch.nn.LSTMCell}


def build(mode, cls, *args, **kw):
    if mode.startswith("RNN"):
        kw["nonlinearity"] = "tanh" if mode == "RNN_TANH" else "relu"
    module = cls(*args, **kw)
    with torch.no_grad():  # short weights keep the files small; spread biases so a swap shows
        for name, p in module.named_parameters():
            p.copy_(short(p * 2, 64) if name.startswith("weight") else short(torch.randn(p.shape) * 0.5))
    return module


def state_of(module):
    return {name: arr(p) for name, p in module.named_parameters()}


def grads_of(module):
    return {"grad_" + name: arr(p.grad) for name, p in module.named_parameters()}


def make_layers():
    FILE = "rnn-layers"
    cases = {}

    def layer(name, mode, layers=1, bidirectional=False, batch_first=False, init=False, bias=True,
              T=5, B=3, I=4, H=3, unbatched=False):
        seed(FILE, name)
        lstm = mode == "LSTM"
        D = 2 if bidirectional else 1
        m = build(mode, MODULES[mode], I, H, num_layers=layers, bias=bias, batch_first=batch_first,
                  bidirectional=bidirectional)
        shape = (T, I) if unbatched else ((B, T, I) if batch_first else (T, B, I))
        x = short(torch.randn(*shape)).requires_grad_(True)
        state_shape = (layers * D, H) if unbatched else (layers * D, B, H)
        case = {"mode": mode, "inputSize": I, "hiddenSize": H, "numLayers": layers, "bias": bias,
                "batchFirst": batch_first, "bidirectional": bidirectional, "state": state_of(m),
                "input": arr(x)}
        leaves = {"input": x}
        hx = None
        if init:
            h0 = short(torch.randn(*state_shape)).requires_grad_(True)
            case["h0"] = arr(h0)
            leaves["h0"] = h0
            hx = h0
            if lstm:
                c0 = short(torch.randn(*state_shape)).requires_grad_(True)
                case["c0"] = arr(c0)
                leaves["c0"] = c0
                hx = (h0, c0)
        out, state = m(x, hx)
        hn, cn = state if lstm else (state, None)
        g_out, g_h = torch.randn(out.shape), torch.randn(hn.shape)
        loss = (out * g_out).sum() + (hn * g_h).sum()
        case.update(output=arr(out), hN=arr(hn), gradOutput=arr(g_out), gradHN=arr(g_h))
        if lstm:
            g_c = torch.randn(cn.shape)
            loss = loss + (cn * g_c).sum()
            case.update(cN=arr(cn), gradCN=arr(g_c))
        loss.backward()
        for key, t in leaves.items():
            case["grad_" + key] = arr(t.grad)
        case.update(grads_of(m))
        cases[name] = case

    for mode in MODULES:
        tag = mode.lower()
        layer(f"{tag}_1layer", mode)
        layer(f"{tag}_1layer_init", mode, init=True)
        layer(f"{tag}_2layer_batch_first_init", mode, layers=2, batch_first=True, init=True)
        layer(f"{tag}_bidirectional_init", mode, bidirectional=True, init=True)
        layer(f"{tag}_2layer_bidirectional_batch_first", mode, layers=2, bidirectional=True,
              batch_first=True, init=True)
        layer(f"{tag}_nobias", mode, bias=False, init=True)
        layer(f"{tag}_unbatched", mode, unbatched=True, init=True, bidirectional=True)
    write_json(FILE, cases, GENERATOR)


def make_packed():
    """Variable-length batches: PyTorch packs them; zendl takes the lengths."""
    FILE = "rnn-packed"
    cases = {}

    def packed(name, mode, layers=1, bidirectional=False, batch_first=True, lengths=(5, 2, 4), init=True):
        seed(FILE, name)
        lstm = mode == "LSTM"
        T, B, I, H = max(lengths), len(lengths), 4, 3
        D = 2 if bidirectional else 1
        m = build(mode, MODULES[mode], I, H, num_layers=layers, batch_first=batch_first,
                  bidirectional=bidirectional)
        x = short(torch.randn(*((B, T, I) if batch_first else (T, B, I))))
        # padding holds junk on purpose: it must not change the result
        x = x.requires_grad_(True)
        case = {"mode": mode, "inputSize": I, "hiddenSize": H, "numLayers": layers, "bias": True,
                "batchFirst": batch_first, "bidirectional": bidirectional, "lengths": list(lengths),
                "state": state_of(m), "input": arr(x)}
        leaves = {"input": x}
        hx = None
        if init:
            h0 = short(torch.randn(layers * D, B, H)).requires_grad_(True)
            case["h0"], leaves["h0"], hx = arr(h0), h0, h0
            if lstm:
                c0 = short(torch.randn(layers * D, B, H)).requires_grad_(True)
                case["c0"], leaves["c0"], hx = arr(c0), c0, (h0, c0)
        seq = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        out, state = m(seq, hx)
        out, _ = pad_packed_sequence(out, batch_first=batch_first, total_length=T)
        hn, cn = state if lstm else (state, None)
        g_out, g_h = torch.randn(out.shape), torch.randn(hn.shape)
        loss = (out * g_out).sum() + (hn * g_h).sum()
        case.update(output=arr(out), hN=arr(hn), gradOutput=arr(g_out), gradHN=arr(g_h))
        if lstm:
            g_c = torch.randn(cn.shape)
            loss = loss + (cn * g_c).sum()
            case.update(cN=arr(cn), gradCN=arr(g_c))
        loss.backward()
        for key, t in leaves.items():
            case["grad_" + key] = arr(t.grad)
        case.update(grads_of(m))
        cases[name] = case

    for mode in MODULES:
        tag = mode.lower()
        packed(f"{tag}_packed", mode)
        packed(f"{tag}_packed_2layer_bidirectional", mode, layers=2, bidirectional=True, batch_first=False,
               lengths=(3, 5, 1, 5))
    write_json(FILE, cases, GENERATOR)


def make_cells():
    FILE = "rnn-cells"
    cases = {}

    def cell(name, mode, bias=True, init=True, unbatched=False, B=3, I=4, H=5):
        seed(FILE, name)
        lstm = mode == "LSTM"
        c = build(mode, CELLS[mode], I, H, bias=bias)
        x = short(torch.randn(*((I,) if unbatched else (B, I)))).requires_grad_(True)
        state_shape = (H,) if unbatched else (B, H)
        case = {"mode": mode, "inputSize": I, "hiddenSize": H, "bias": bias, "state": state_of(c),
                "input": arr(x)}
        leaves = {"input": x}
        hx = None
        if init:
            h0 = short(torch.randn(*state_shape)).requires_grad_(True)
            case["h0"], leaves["h0"], hx = arr(h0), h0, h0
            if lstm:
                c0 = short(torch.randn(*state_shape)).requires_grad_(True)
                case["c0"], leaves["c0"], hx = arr(c0), c0, (h0, c0)
        out = c(x, hx)
        h, cc = out if lstm else (out, None)
        g_h = torch.randn(h.shape)
        loss = (h * g_h).sum()
        case.update(h=arr(h), gradH=arr(g_h))
        if lstm:
            g_c = torch.randn(cc.shape)
            loss = loss + (cc * g_c).sum()
            case.update(c=arr(cc), gradC=arr(g_c))
        loss.backward()
        for key, t in leaves.items():
            case["grad_" + key] = arr(t.grad)
        case.update(grads_of(c))
        cases[name] = case

    for mode in CELLS:
        tag = mode.lower()
        cell(f"{tag}_cell", mode)
        cell(f"{tag}_cell_no_state", mode, init=False)
        cell(f"{tag}_cell_nobias", mode, bias=False)
        cell(f"{tag}_cell_unbatched", mode, unbatched=True)
    write_json(FILE, cases, GENERATOR)


def make_embedding():
    FILE = "rnn-embedding"
    cases = {}

    def embedding(name, num, dim, index, padding_idx=None, max_norm=None, norm_type=2.0):
        seed(FILE, name)
        emb = torch.nn.Embedding(num, dim, padding_idx=padding_idx, max_norm=max_norm, norm_type=norm_type)
        with torch.no_grad():
            emb.weight.copy_(short(emb.weight))
        weight_before = arr(emb.weight)
        idx = torch.tensor(index)
        out = emb(idx)
        g = torch.randn(out.shape)
        (out * g).sum().backward()
        cases[name] = {"numEmbeddings": num, "embeddingDim": dim, "paddingIdx": padding_idx,
                       "maxNorm": max_norm, "normType": norm_type, "weight": weight_before,
                       "index": arr(idx), "output": arr(out), "gradOutput": arr(g),
                       "grad_weight": arr(emb.weight.grad), "weightAfter": arr(emb.weight.detach())}

    embedding("embedding_2d_index", 7, 3, [[0, 2, 6], [2, 2, 1]])
    embedding("embedding_padding_idx", 7, 3, [[0, 2, 6, 3], [3, 3, 1, 0]], padding_idx=3)
    embedding("embedding_negative_padding_idx", 6, 4, [1, 5, 5, 0], padding_idx=-1)
    embedding("embedding_max_norm", 6, 4, [[1, 4], [4, 0]], max_norm=1.0)
    embedding("embedding_max_norm_p1", 6, 4, [2, 3, 2], max_norm=1.5, norm_type=1.0)
    write_json(FILE, cases, GENERATOR)


def make_clip():
    FILE = "rnn-clip"
    cases = {}

    def clip(name, fn, **options):
        seed(FILE, name)
        grads = [torch.randn(3, 4), torch.randn(5)]
        params = [torch.zeros_like(g, requires_grad=True) for g in grads]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        # JSON has no infinity: the inf norm is written "inf"
        json_options = {k: ("inf" if v == float("inf") else v) for k, v in options.items()}
        case = {"fn": fn, "options": json_options, "grads": [arr(g) for g in grads]}
        if fn == "clip_grad_norm":
            names = {"maxNorm": "max_norm", "normType": "norm_type"}
            total = torch.nn.utils.clip_grad_norm_(params, **{names[k]: v for k, v in options.items()})
            case["totalNorm"] = float(total)
        else:
            torch.nn.utils.clip_grad_value_(params, options["clipValue"])
        case["after"] = [arr(p.grad) for p in params]
        cases[name] = case

    clip("clip_grad_norm_l2", "clip_grad_norm", maxNorm=1.0)
    clip("clip_grad_norm_l2_not_reached", "clip_grad_norm", maxNorm=100.0)
    clip("clip_grad_norm_l1", "clip_grad_norm", maxNorm=2.0, normType=1.0)
    clip("clip_grad_norm_inf", "clip_grad_norm", maxNorm=0.5, normType=float("inf"))
    clip("clip_grad_value", "clip_grad_value", clipValue=0.5)
    write_json(FILE, cases, GENERATOR)


def main():
    make_layers()
    make_packed()
    make_cells()
    make_embedding()
    make_clip()


if __name__ == "__main__":
    main()
