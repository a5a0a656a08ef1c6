"""Peer for bench/cnn.ts: PyTorch training throughput of the same CNN on Fashion-MNIST:
conv3x3(32, pad 1)-ReLU-maxpool2-conv3x3(64, pad 1)-ReLU-maxpool2-flatten-fc128-ReLU-fc10, Adam lr 1e-3,
batch 128, mean cross-entropy, reshuffled each epoch, pixels / 255, NCHW float32. The first WARMUP steps
are not timed; training stops after EPOCHS epochs or once the timed part passes BUDGET seconds. Prints one
JSON object; with a last argument "profile", a second one: each layer's forward, backward to its input
and backward to its parameters on one batch (autograd.grad on one of them at a time, median of 5 runs),
as bench/lib/layer-profile.ts times zendl's.
argv: train-images train-labels test-images test-labels epochs warmup budget threads seed [profile]"""
import gzip, json, sys, time

try:
    import numpy as np
    import torch
except ImportError as error:
    print(json.dumps({"unavailable": f"PyTorch: {error}"}))
    sys.exit(0)


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * d:8 + 4 * d], "big") for d in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


train_x, train_y, test_x, test_y = sys.argv[1:5]
epochs, warmup, budget, threads, seed = int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7]), \
    int(sys.argv[8]), int(sys.argv[9])
torch.set_num_threads(threads)
torch.manual_seed(seed)
x = torch.from_numpy(read_idx(train_x).reshape(-1, 1, 28, 28).astype(np.float32) / 255)
y = torch.from_numpy(read_idx(train_y).astype(np.int64))
xt = torch.from_numpy(read_idx(test_x).reshape(-1, 1, 28, 28).astype(np.float32) / 255)
yt = torch.from_numpy(read_idx(test_y).astype(np.int64))

nn = torch.nn
model = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
g = torch.Generator().manual_seed(seed)
step, seen, timed_samples, started, stopped = 0, 0, 0, None, False
for epoch in range(epochs):
    perm = torch.randperm(len(x), generator=g)
    for i in range(0, len(x), 128):
        if step == warmup:
            started = time.perf_counter()
        idx = perm[i:i + 128]
        opt.zero_grad()
        # index_select, not x[idx]: this build's advanced indexing is up to 100x slower when threads contend
        loss = nn.functional.cross_entropy(model(x.index_select(0, idx)), y.index_select(0, idx))
        loss.backward()
        opt.step()
        step += 1
        seen += len(idx)
        if started is not None:
            timed_samples += len(idx)
            if time.perf_counter() - started > budget:
                stopped = True
                break
    if stopped:
        break
seconds = time.perf_counter() - started
with torch.no_grad():
    accuracy = sum((model(xt[i:i + 1000]).argmax(1) == yt[i:i + 1000]).sum().item()
                   for i in range(0, len(xt), 1000)) / len(xt)
print(json.dumps({"name": f"PyTorch {torch.__version__} ({threads} threads)", "steps": step,
                  "timedSamples": timed_samples, "seconds": seconds,
                  "samplesPerSecond": timed_samples / seconds,
                  "epochs": seen / len(x), "testAccuracy": accuracy, "finalLoss": loss.item()}))


def median_ms(run, setup=lambda: None, runs=5, warmup=2):
    times = []
    for r in range(warmup + runs):
        value = setup()
        start = time.perf_counter()
        run(value)
        if r >= warmup:
            times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


if len(sys.argv) > 10 and sys.argv[10] == "profile":
    layers, inp = [], x[:128]
    for i, layer in enumerate(model):
        with torch.no_grad():
            out = layer(inp)
        probe, params = torch.randn_like(out), list(layer.parameters())
        with torch.no_grad():
            forward = median_ms(lambda _: layer(inp))
        backward_input = backward_weight = None
        if i > 0:
            xg = inp.detach().requires_grad_()
            backward_input = median_ms(lambda y: torch.autograd.grad(y, [xg], probe), lambda: layer(xg))
        if params:
            backward_weight = median_ms(lambda y: torch.autograd.grad(y, params, probe), lambda: layer(inp))
        layers.append({"index": i, "layer": str(layer), "forwardMs": forward, "backwardInputMs": backward_input,
                       "backwardWeightMs": backward_weight})
        inp = out
    print(json.dumps({"layers": layers}))
