/**
 * The fixed parts of the PyTorch export: safetensors reading and writing in plain Python (the format
 * is an 8-byte header length, a JSON header and raw little-endian data, so no package is needed) and
 * train_ddp.py, which continues training under torchrun with DistributedDataParallel.
 */

export const SAFETENSORS_PY = `_DTYPES = {
    "F32": torch.float32, "F64": torch.float64, "I32": torch.int32, "I64": torch.int64,
}
_TAGS = {dtype: tag for tag, dtype in _DTYPES.items()}


def load_safetensors(path):
    """The tensors of a safetensors file by name, and its string metadata."""
    with open(path, "rb") as f:
        data = f.read()
    n = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        dtype = _DTYPES[info["dtype"]]
        raw = bytearray(data[8 + n + start:8 + n + end])
        flat = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(info["shape"]).clone()
    return tensors, metadata


def save_safetensors(tensors, path, metadata=None):
    """Writes tensors (int64 stored as int32, as zendl keeps integers) atomically."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        if t.dtype == torch.int64:
            t = t.to(torch.int32)
        raw = t.numpy().tobytes()
        header[name] = {
            "dtype": _TAGS[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)],
        }
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + b"".join(chunks))
    os.replace(tmp, path)`;

/** The training script; `config` is the block of constants describing the model's task and shapes. */
export function trainDdpPy(className: string, config: string): string {
  return `"""Continue training the ${className} exported from zendl on several processes or machines, with
PyTorch's DistributedDataParallel, then write weights that zendl reads back (zd.load).

    torchrun --standalone --nproc_per_node 2 train_ddp.py --data data.safetensors --epochs 5
    # more machines: run on each, with its own --node_rank
    torchrun --nnodes 2 --node_rank 0 --master_addr HOST --nproc_per_node 8 train_ddp.py --data ...

(torchrun 1.13 on Python 3.11, Debian's, misreads its own defaults: add --redirects 2 --tee 2 there.)
--data is a safetensors file with a tensor "x" (the inputs) and, where the task has targets, "y"
(from zendl: await zd.save(new Map([["x", x], ["y", y]]), "data.safetensors")). Without it the script
trains on random data of the right shapes, which shows the mechanics and nothing more. Processes talk
over gloo on CPUs and nccl on CUDA GPUs. The result keeps model.safetensors' metadata, so zd.load (and
the zendl CLI, for a model it trained) reads it as it read the original.
"""
import argparse
import os
import sys

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import build_model, load_safetensors, save_safetensors  # noqa: E402

${config}


def random_data(n, generator):
    """Inputs (and targets) of the right shapes, for a run without --data."""
    if TASK == "language-model":
        ids = torch.randint(0, NUM_OUTPUTS, (n, SEQ_LENGTH + 1), generator=generator)
        return ids[:, :-1], ids[:, 1:]
    if TASK != "gan" and INPUT_IDS is not None:
        x = torch.randint(0, INPUT_IDS, (n, *DATA_SHAPE), generator=generator)
    else:
        x = torch.rand((n, *DATA_SHAPE), generator=generator)
    if TASK == "classification":
        return x, torch.randint(0, NUM_OUTPUTS, (n,), generator=generator)
    if TASK == "regression":
        return x, torch.randn((n, NUM_OUTPUTS), generator=generator)
    return x, None


class FreeEnergyGap(nn.Module):
    """An RBM's contrastive-divergence loss: its gradient is CD's update, so DDP can average it."""

    def __init__(self, rbm):
        super().__init__()
        self.rbm = rbm

    def forward(self, v, negative):
        return self.rbm.free_energy(v).mean() - self.rbm.free_energy(negative).mean()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\\n")[0])
    parser.add_argument("--weights", default=os.path.join(HERE, "model.safetensors"))
    parser.add_argument("--data", help='safetensors file with "x" (and "y")')
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--steps", type=int, default=0, help="stop after this many steps (0: no limit)")
    parser.add_argument("--batch-size", type=int, default=64, help="per process")
    parser.add_argument("--lr", type=float, default=LEARNING_RATE)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join(HERE, "model-trained.safetensors"))
    args = parser.parse_args()

    cuda = torch.cuda.is_available()
    dist.init_process_group(backend="nccl" if cuda else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    torch.manual_seed(args.seed + rank)

    net = build_model()
    tensors, metadata = load_safetensors(args.weights)
    net.load_state_dict(tensors)
    net.to(device).train()

    if args.data:
        data, _ = load_safetensors(args.data)
        x, y = data["x"], data.get("y")
    else:
        x, y = random_data(512, torch.Generator().manual_seed(args.seed))
    dataset = TensorDataset(x) if y is None else TensorDataset(x, y)
    sampler = DistributedSampler(dataset, num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    loader = DataLoader(dataset, batch_size=args.batch_size, sampler=sampler, drop_last=True)

    ddp = lambda module: DistributedDataParallel(module, device_ids=[local_rank] if cuda else None)
    if TASK == "gan":
        generator, discriminator = ddp(net.generator), ddp(net.discriminator)
        opt_g = torch.optim.Adam(generator.parameters(), lr=args.lr, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(discriminator.parameters(), lr=args.lr, betas=(0.5, 0.999))
    else:
        model = ddp(FreeEnergyGap(net) if TASK == "rbm" else net)
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    def step(batch):
        x = batch[0].to(device)
        y = batch[1].to(device) if len(batch) > 1 else None
        if TASK == "gan":
            n = x.shape[0]
            fake = generator(torch.randn(n, LATENT_SIZE, device=device))
            logits = discriminator(torch.cat([x.reshape(n, *DATA_SHAPE), fake.detach()])).reshape(-1)
            real = torch.cat([torch.ones(n, device=device), torch.zeros(n, device=device)])
            d_loss = F.binary_cross_entropy_with_logits(logits, real)
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
            g_loss = F.binary_cross_entropy_with_logits(discriminator(fake).reshape(-1), real[:n])
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
            return g_loss.detach()
        if TASK == "classification":
            loss = F.cross_entropy(model(x), y.long())
        elif TASK == "regression":
            loss = F.mse_loss(model(x), y.float())
        elif TASK == "reconstruction":
            loss = F.mse_loss(model(x), x)
        elif TASK == "language-model":
            logits, _ = model(x.long())
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.long().reshape(-1))
        else:  # rbm
            with torch.no_grad():
                negative = net.gibbs(x)
            loss = model(x, negative)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.detach()

    steps, loss = 0, torch.zeros((), device=device)
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        for batch in loader:
            loss = step(batch)
            steps += 1
            if args.steps and steps >= args.steps:
                break
        dist.all_reduce(loss)
        if rank == 0:
            print(f"epoch {epoch + 1}: loss {loss.item() / world:.4f} ({steps} steps, {world} processes)")
        if args.steps and steps >= args.steps:
            break

    if rank == 0:
        save_safetensors(net.state_dict(), args.out, metadata)
        print(f"wrote {args.out}")
    # all ranks leave together (a gloo rank tearing down while rank 0 still writes has hung)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
}
