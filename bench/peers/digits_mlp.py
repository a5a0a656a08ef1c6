"""Peer timings for bench/digits-mlp.ts: the reference job (64-128-10 ReLU MLP, SGD lr 0.01,
momentum 0.9 Nesterov, batch 200, L2 alpha 1e-4, 100 epochs on standardized digits, 75/25 split)
in scikit-learn and in PyTorch. Prints one JSON object per peer on stdout."""
import gzip, json, sys, time
import numpy as np

EPOCHS = 100
path, seed = sys.argv[1], int(sys.argv[2])
with gzip.open(path, "rt") as f:
    data = np.loadtxt(f, delimiter=",")
X, y = data[:, :64].astype(np.float32), data[:, 64].astype(np.int64)

def split():
    rng = np.random.RandomState(seed)
    perm = rng.permutation(len(X))
    n_test = int(np.ceil(0.25 * len(X)))
    te, tr = perm[:n_test], perm[n_test:]
    mean, std = X[tr].mean(0), X[tr].std(0)
    std[std == 0] = 1
    return (X[tr] - mean) / std, y[tr], (X[te] - mean) / std, y[te]

Xtr, ytr, Xte, yte = split()

try:
    from sklearn.neural_network import MLPClassifier
    import warnings
    warnings.filterwarnings("ignore")
    clf = MLPClassifier(hidden_layer_sizes=(128,), activation="relu", solver="sgd", learning_rate_init=0.01,
                        max_iter=EPOCHS, n_iter_no_change=EPOCHS + 1, random_state=seed)
    t0 = time.perf_counter()
    clf.fit(Xtr, ytr)
    seconds = time.perf_counter() - t0
    print(json.dumps({"peer": "scikit-learn", "seconds": seconds, "epochs": clf.n_iter_,
                      "testAccuracy": float(clf.score(Xte, yte))}))
except ImportError:
    pass

try:
    import torch
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    xt, yt = torch.from_numpy(Xtr), torch.from_numpy(ytr)
    g = torch.Generator().manual_seed(seed)
    t0 = time.perf_counter()
    for epoch in range(EPOCHS):
        perm = torch.randperm(len(xt), generator=g)
        for i in range(0, len(xt), 200):
            idx = perm[i:i + 200]
            opt.zero_grad()
            out = model(xt[idx])
            l2 = sum((p ** 2).sum() for n, p in model.named_parameters() if n.endswith("weight"))
            loss = torch.nn.functional.cross_entropy(out, yt[idx]) + 1e-4 / (2 * len(idx)) * l2
            loss.backward()
            opt.step()
    seconds = time.perf_counter() - t0
    with torch.no_grad():
        acc = (model(torch.from_numpy(Xte)).argmax(1) == torch.from_numpy(yte)).float().mean().item()
    print(json.dumps({"peer": "pytorch", "threads": torch.get_num_threads(), "seconds": seconds, "epochs": EPOCHS,
                      "testAccuracy": acc}))
except ImportError:
    pass
