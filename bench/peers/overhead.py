"""Peer for bench/overhead.ts: PyTorch's per-call time for tiny work, with timeit: a 4-element add, a
2x2 matmul, and the forward + backward of a 4-8-2 ReLU MLP on one sample (cross-entropy, grads set to
None first). Reported: the median of 15 timeit repeats, as bench/overhead.ts reports the median of its
batches (not timeit's customary minimum). Prints one JSON object per case (microseconds per call)."""
import json, statistics, sys, timeit

try:
    import torch
except ImportError as error:
    print(json.dumps({"unavailable": f"PyTorch: {error}"}))
    sys.exit(0)

torch.manual_seed(0)
a, b = torch.rand(4), torch.rand(4)
m1, m2 = torch.rand(2, 2), torch.rand(2, 2)
model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
x, y = torch.rand(1, 4), torch.tensor([1])


def mlp():
    model.zero_grad(set_to_none=True)
    torch.nn.functional.cross_entropy(model(x), y).backward()


CASES = [("add", lambda: a + b, 20000), ("matmul", lambda: m1 @ m2, 20000), ("mlp", mlp, 2000)]
for name, fn, number in CASES:
    timer = timeit.Timer(fn)
    timer.timeit(number)  # warm-up
    per_call = [t / number * 1e6 for t in timer.repeat(repeat=15, number=number)]
    print(json.dumps({"case": name, "microseconds": statistics.median(per_call),
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))
