"""Shared by the fixture generators: the JSON array format, per-case seeding and file writing
(schema in test/fixtures/README.md)."""
import json
import math
import os
import zlib

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "test", "fixtures")
MAX_BYTES = 300 * 1024


def arr(t):
    """Tensor -> {shape, dtype, data} with full-precision floats."""
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.float32:
        dtype, data = "float32", [float(v) for v in t.double().flatten().tolist()]
    elif t.dtype == torch.float64:
        dtype, data = "float64", [float(v) for v in t.flatten().tolist()]
    elif t.dtype in (torch.int64, torch.int32, torch.bool):
        dtype, data = "int64", [int(v) for v in t.long().flatten().tolist()]
    else:
        raise TypeError(f"unsupported dtype {t.dtype}")
    for v in data:
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError("non-finite value in fixture")
    return {"shape": list(t.shape), "dtype": dtype, "data": data}


def seed(file, case):
    """Seeds torch from the case name, so adding a case never changes the others."""
    torch.manual_seed(zlib.crc32(f"{file}/{case}".encode()) & 0x7FFFFFFF)


def write_json(name, cases, generator):
    doc = {"generator": generator, "torch": torch.__version__, "cases": cases}
    text = json.dumps(doc, allow_nan=False, separators=(",", ":"))
    path = os.path.join(OUT_DIR, name + ".json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    size = os.path.getsize(path)
    assert size < MAX_BYTES, f"{path} is {size} bytes"
    print(f"{name}.json: {len(cases)} cases, {size} bytes")
