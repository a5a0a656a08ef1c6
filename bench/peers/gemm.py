"""Peer for bench/gemm.ts: numpy matmul GFLOPS on the same shapes and with the same timing rule
(2 warm-up calls, then timed calls until at least 3 and 0.5 s, at most 20; the median). The thread
count comes from OPENBLAS_NUM_THREADS / OMP_NUM_THREADS, set by the caller before numpy loads.
argv[1]: JSON list of {"label", "m", "n", "k", "op"} with op NN, TN (A stored transposed) or NT.
Prints one JSON object per shape."""
import json, os, sys, time

try:
    import numpy as np
except ImportError as error:
    print(json.dumps({"unavailable": f"numpy: {error}"}))
    sys.exit(0)


def measure(fn, warmup=2, min_runs=3, max_runs=20, budget=0.5, slow=3.0):
    for i in range(warmup):
        t0 = time.perf_counter()
        fn()
        first = time.perf_counter() - t0
        if i == 0 and first > slow:
            return first, 1
    samples = []
    while len(samples) < max_runs and (len(samples) < min_runs or sum(samples) < budget):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return float(np.median(samples)), len(samples)


def blas_kernel():
    """The BLAS library and the kernel it picked for this CPU, as threadpoolctl reports them."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    if not blas:
        return "no BLAS found by threadpoolctl"
    return ", ".join(f"{i.get('internal_api')} {i.get('version')} kernel {i.get('architecture')}" for i in blas)


kernel = blas_kernel()
rng = np.random.default_rng(0)
for shape in json.loads(sys.argv[1]):
    m, n, k, op = shape["m"], shape["n"], shape["k"], shape["op"]
    a = rng.standard_normal((k, m) if op == "TN" else (m, k), dtype=np.float32)
    b = rng.standard_normal((n, k) if op == "NT" else (k, n), dtype=np.float32)
    lhs = a.T if op == "TN" else a       # views: BLAS gets a transpose flag, nothing is copied
    rhs = b.T if op == "NT" else b
    seconds, runs = measure(lambda: lhs @ rhs)
    print(json.dumps({"label": shape["label"], "seconds": seconds, "runs": runs,
                      "gflops": 2 * m * n * k / seconds / 1e9, "numpy": np.__version__, "kernel": kernel,
                      "threads": os.environ.get("OPENBLAS_NUM_THREADS")}), flush=True)
