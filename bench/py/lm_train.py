"""PyTorch baseline for bench/lm-train.mjs: the toolkit's GPT decoder pretrained in plain torch.

The same model as packages/ml's trainLm: GPT-2's layout (token and position
tables, pre-norm blocks of causal multi-head attention and a tanh-GELU MLP, a
final layer norm, the output layer tied to the token table), GPT-2's
initialisation, Adam with betas 0.9/0.95 and epsilon 1e-8, gradients clipped
to norm 1, the loss read back every step. Batches are random token windows of
the same shape. Prints, as JSON, the milliseconds between the ends of
consecutive timed steps.
"""

import argparse
import json
import math
import os
import sys
import time

try:
    import torch
    from torch import nn
    from torch.nn import functional as F
except ImportError as error:
    sys.exit(f"bench/py/lm_train.py needs PyTorch ({error}); pip install torch")


class Block(nn.Module):
    """Pre-norm block: x + attn(ln_1(x)), then x + mlp(ln_2(x))."""

    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(width, eps=1e-5)
        self.c_attn = nn.Linear(width, 3 * width)
        self.attn_proj = nn.Linear(width, width)
        self.ln_2 = nn.LayerNorm(width, eps=1e-5)
        self.c_fc = nn.Linear(width, 4 * width)
        self.mlp_proj = nn.Linear(4 * width, width)

    def forward(self, x):
        batch, length, width = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(width, dim=-1)

        def split(t):
            return t.view(batch, length, self.heads, width // self.heads).transpose(1, 2)

        attended = F.scaled_dot_product_attention(split(q), split(k), split(v), is_causal=True)
        x = x + self.attn_proj(attended.transpose(1, 2).reshape(batch, length, width))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self, vocab, context, layers, heads, width):
        super().__init__()
        self.wte = nn.Embedding(vocab, width)
        self.wpe = nn.Embedding(context, width)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(width, eps=1e-5)
        # GPT-2's initialisation, as initGptWeights draws it (Radford et al. 2019, section 2.3).
        residual_std = 0.02 / math.sqrt(2 * layers)
        for name, p in self.named_parameters():
            if name.endswith("bias"):
                nn.init.zeros_(p)
            elif "ln_" in name:
                nn.init.ones_(p)
            elif name.endswith("proj.weight"):
                nn.init.normal_(p, std=residual_std)
            else:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids, targets):
        length = ids.shape[1]
        x = self.wte(ids) + self.wpe.weight[:length]
        for block in self.blocks:
            x = block(x)
        logits = self.ln_f(x) @ self.wte.weight.T
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vocab", type=int, required=True)
    parser.add_argument("--context", type=int, required=True)
    parser.add_argument("--layers", type=int, required=True)
    parser.add_argument("--heads", type=int, required=True)
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--steps", type=int, required=True, help="timed steps")
    parser.add_argument("--warmup-steps", type=int, default=3)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    threads = os.cpu_count() or 1
    torch.set_num_threads(threads)
    torch.manual_seed(args.seed)
    model = Gpt(args.vocab, args.context, args.layers, args.heads, args.width)
    optimiser = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.95), eps=1e-8)
    generator = torch.Generator().manual_seed(args.seed)

    ends = []
    losses = []
    for _ in range(args.warmup_steps + args.steps):
        window = torch.randint(0, args.vocab, (args.batch, args.context + 1), generator=generator)
        optimiser.zero_grad(set_to_none=True)
        loss = model(window[:, :-1], window[:, 1:])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        # trainLm reads each step's loss back too.
        losses.append(loss.item())
        ends.append(time.perf_counter())
    timed = ends[args.warmup_steps - 1 :] if args.warmup_steps > 0 else ends
    json.dump(
        {
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "parameters": sum(p.numel() for p in model.parameters()),
            "stepMs": [(b - a) * 1000 for a, b in zip(timed, timed[1:])],
            "finalLoss": losses[-1],
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
