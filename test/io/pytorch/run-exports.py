"""Runs PyTorch exports written by the tests: for each folder given, loads model.py with the weights
beside it (eval mode), runs it on the tensors of inputs.safetensors ("x", then any state), and writes
its outputs, flattened, as "out0", "out1", ... to outputs.safetensors. One process for every model
keeps the cost of importing torch to once."""
import importlib.util
import sys

import torch


def flatten(value):
    if isinstance(value, torch.Tensor):
        return [value]
    return [t for item in value for t in flatten(item)]


for folder in sys.argv[1:]:
    spec = importlib.util.spec_from_file_location(f"exported_{abs(hash(folder))}", f"{folder}/model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.load_model()
    inputs, _ = module.load_safetensors(f"{folder}/inputs.safetensors")
    x = inputs.pop("x")
    state = [inputs[k] for k in sorted(inputs)]
    with torch.no_grad():
        if state:
            out = model(x, tuple(state))
        else:
            out = model(x)
    module.save_safetensors({f"out{i}": t for i, t in enumerate(flatten(out))}, f"{folder}/outputs.safetensors")
print(f"ran {len(sys.argv) - 1} models")
