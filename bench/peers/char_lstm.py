"""Peer for bench/char-lstm.ts: PyTorch training throughput of the same character LSTM as zendl's:
Embedding(V, 64) -> LSTM(64, 256) -> Linear(256, V), Adam lr 2e-3, batch 32, sequence 64, mean
cross-entropy, truncated BPTT (the state carried across consecutive chunks, detached). The first WARMUP
steps are not timed; training stops after STEPS timed steps or once the timed part passes BUDGET seconds.
Prints one JSON object.
argv: text.txt.gz steps warmup budget threads seed"""
import gzip, json, sys, time

try:
    import torch
except ImportError as error:
    print(json.dumps({"unavailable": f"PyTorch: {error}"}))
    sys.exit(0)

path, steps, warmup, budget, threads, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
B, T, E, H = 32, 64, 64, 256
torch.set_num_threads(threads)
torch.manual_seed(seed)
text = gzip.open(path, "rt", encoding="utf-8").read()
chars = sorted(set(text))
index = {c: i for i, c in enumerate(chars)}
ids = torch.tensor([index[c] for c in text], dtype=torch.int64)
V = len(chars)
stream = (len(ids) - 1) // B
inputs = ids[:B * stream].view(B, stream)
targets = ids[1:B * stream + 1].view(B, stream)


class CharLSTM(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(V, E)
        self.lstm = torch.nn.LSTM(E, H)
        self.head = torch.nn.Linear(H, V)

    def forward(self, x, state):
        out, state = self.lstm(self.embedding(x.t()), state)
        return self.head(out.reshape(-1, H)).view(T, B, V).transpose(0, 1), state


model = CharLSTM()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
state, started, timed, k, loss = None, None, 0, 0, None
for step in range(warmup + steps):
    if step == warmup:
        started = time.perf_counter()
    if (k + 1) * T > stream:
        k, state = 0, None
    x, y = inputs[:, k * T:(k + 1) * T], targets[:, k * T:(k + 1) * T]
    k += 1
    opt.zero_grad()
    logits, state = model(x, state)
    state = tuple(s.detach() for s in state)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
    loss.backward()
    opt.step()
    if started is not None:
        timed += 1
        if time.perf_counter() - started > budget:
            break
seconds = time.perf_counter() - started
print(json.dumps({"name": f"PyTorch {torch.__version__} ({threads} threads)", "steps": timed,
                  "seconds": seconds, "tokensPerSecond": timed * B * T / seconds, "finalLoss": loss.item()}))
