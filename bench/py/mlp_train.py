"""PyTorch baseline for bench/mlp-train.mjs: the same MLP, rows, batch size and optimiser on CPU.

Reads float32 row-major features and int32 labels written by the bench, trains
Dense(hidden) ReLU -> Dense(classes) with Adam on cross-entropy in shuffled
mini-batches, and prints the milliseconds between the ends of consecutive epochs
as JSON. One thread, as the tfjs wasm backend it is compared with uses.
"""

import argparse
import json
import sys
import time

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError as error:
    sys.exit(f"bench/py/mlp_train.py needs PyTorch and NumPy ({error}); pip install torch onnxruntime")


def train(x, y, hidden, classes, batch, epochs, lr, seed):
    """Trains a fresh network for `epochs` epochs; returns the end time of each epoch and the last mean loss."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(x.shape[1], hidden), nn.ReLU(), nn.Linear(hidden, classes))
    # tfjs's Adam uses epsilon 1e-7 (its backend epsilon), not PyTorch's default 1e-8.
    optimiser = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-7)
    # Log-softmax + NLL: the same loss as softmax followed by categorical cross-entropy.
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    rows = x.shape[0]
    ends = []
    loss_mean = float("nan")
    for _ in range(epochs):
        order = torch.randperm(rows, generator=generator)
        loss_sum = 0.0
        for start in range(0, rows, batch):
            idx = order[start : start + batch]
            xb = x[idx]
            yb = y[idx]
            optimiser.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimiser.step()
            # tfjs's trainOnBatch reads each batch's loss back too.
            loss_sum += loss.item() * idx.shape[0]
        loss_mean = loss_sum / rows
        ends.append(time.perf_counter())
    return ends, loss_mean


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--x", required=True, help="float32 row-major features")
    parser.add_argument("--y", required=True, help="int32 class indexes")
    parser.add_argument("--features", type=int, required=True)
    parser.add_argument("--classes", type=int, required=True)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--warmup-epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    x = torch.from_numpy(np.fromfile(args.x, dtype=np.float32).reshape(-1, args.features))
    y = torch.from_numpy(np.fromfile(args.y, dtype=np.int32).astype(np.int64))
    if x.shape[0] != y.shape[0]:
        sys.exit(f"mlp_train.py: {x.shape[0]} feature rows but {y.shape[0]} labels")

    common = dict(hidden=args.hidden, classes=args.classes, batch=args.batch, lr=args.lr, seed=args.seed)
    train(x, y, epochs=args.warmup_epochs, **common)
    ends, loss = train(x, y, epochs=args.epochs, **common)
    epoch_ms = [(b - a) * 1000 for a, b in zip(ends, ends[1:])]
    json.dump(
        {
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "rows": x.shape[0],
            "epochMs": epoch_ms,
            "finalLoss": loss,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
