"""Runs PyTorch exports written by the tests, in one process (torch is imported once).

run-exports.py DIR... [--train DIR...]

For each DIR before --train: loads model.py with the weights beside it (eval mode), runs it on the
tensors of inputs.safetensors ("x", then the state "s0", "s1", ... if any) and writes its outputs,
flattened, as "out0", "out1", ... to outputs.safetensors. For each DIR after --train: runs
train_ddp.py's main() for 2 steps as a one-process gloo group, writing model-trained.safetensors.
"""
import faulthandler
import importlib.util
import os
import socket
import sys

import torch

# It normally takes seconds; it once hung for the test's whole timeout inside the full suite. Should
# that happen again, every thread's stack goes to stderr, which the test prints.
faulthandler.dump_traceback_later(100, exit=True)


def flatten(value):
    if isinstance(value, torch.Tensor):
        return [value]
    return [t for item in value for t in flatten(item)]


def load(path, name):
    # train_ddp.py imports "model" from its own folder: forget the previous folder's.
    sys.modules.pop("model", None)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(folder, i):
    module = load(f"{folder}/model.py", f"exported_{i}")
    model = module.load_model()
    inputs, _ = module.load_safetensors(f"{folder}/inputs.safetensors")
    x = inputs.pop("x")
    state = tuple(inputs[f"s{k}"] for k in range(len(inputs)))
    with torch.no_grad():
        out = model(x, state) if state else model(x)
    module.save_safetensors({f"out{k}": t for k, t in enumerate(flatten(out))}, f"{folder}/outputs.safetensors")


def train(folder, i):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK="0", WORLD_SIZE="1", LOCAL_RANK="0")
    script = load(f"{folder}/train_ddp.py", f"train_{i}")
    sys.argv = ["train_ddp.py", "--steps", "2", "--batch-size", "8"]
    script.main()


args = sys.argv[1:]
split = args.index("--train") if "--train" in args else len(args)
for i, folder in enumerate(args[:split]):
    run(folder, i)
for i, folder in enumerate(args[split + 1:]):
    train(folder, i)
print(f"ran {split} models, trained {max(0, len(args) - split - 1)}")
