"""A GPT-2 decoder's forward pass in numpy, as the reference for the toolkit's tfjs one.

Reads {"weights": path, "config": {...}, "ids": [[...]], "targets": [[...]]} on stdin; loads the
weights with the `safetensors` library and prints the logits and the mean cross-entropy.
Written from GPT-2's model.py (openai/gpt-2), in float64.
"""
import json
import sys

import numpy as np
from safetensors.numpy import load_file

from gpt2_numpy import gelu, norm, softmax

job = json.load(sys.stdin)
cfg = job["config"]
# A model folder names the two tables as GPT-2's checkpoints do, `wte.weight` and `wpe.weight`.
TABLES = {"wte.weight": "wte", "wpe.weight": "wpe"}
w = {TABLES.get(name, name): value.astype(np.float64) for name, value in load_file(job["weights"]).items()}
ids = np.array(job["ids"])
targets = np.array(job["targets"])



batch, length = ids.shape
heads, width = cfg["heads"], cfg["width"]
hw = width // heads
x = w["wte"][ids] + w["wpe"][:length]
causal = np.tril(np.ones((length, length), dtype=bool))
for i in range(cfg["layers"]):
    p = f"h.{i}."
    a = norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"]) @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
    q, k, v = np.split(a, 3, axis=-1)
    q, k, v = (t.reshape(batch, length, heads, hw).transpose(0, 2, 1, 3) for t in (q, k, v))
    scores = np.where(causal, q @ k.transpose(0, 1, 3, 2) / np.sqrt(hw), -np.inf)
    attended = (softmax(scores) @ v).transpose(0, 2, 1, 3).reshape(batch, length, width)
    x = x + attended @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
    m = norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"]) @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]
    x = x + gelu(m) @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
logits = norm(x, w["ln_f.weight"], w["ln_f.bias"]) @ w["wte"].T
logp = logits - logits.max(-1, keepdims=True)
logp = logp - np.log(np.exp(logp).sum(-1, keepdims=True))
loss = -np.take_along_axis(logp, targets[..., None], -1).mean()
print(json.dumps({"logits": logits.reshape(-1).tolist(), "loss": float(loss)}))
