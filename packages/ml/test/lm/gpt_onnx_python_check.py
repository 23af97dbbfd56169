"""Runs an exported GPT decoder with Python's onnxruntime and compares it with a numpy GPT-2.

Reads {"model", "weights", "config", "ids", "lengths", "next"} on stdin: a left-padded batch of
token ids, each row's real length, and one more token a row. The model runs the padded batch with
empty past keys and values, then one step on `next` with the presents as the past. The reference
is GPT-2's forward pass (openai/gpt-2 model.py) in float64 on each unpadded sequence alone, its
weights loaded from safetensors rather than from the ONNX file. Prints the largest absolute
differences of the logits, of the key/value cache and of the last hidden state (the final layer
norm's output), and what the ONNX checker said.
"""
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort
from safetensors.numpy import load_file

from gpt2_numpy import gelu, norm, softmax

job = json.load(sys.stdin)
cfg = job["config"]
heads, width, layers = cfg["heads"], cfg["width"], cfg["layers"]
hw = width // heads
w = {name: value.astype(np.float64) for name, value in load_file(job["weights"]).items()}



def forward(ids):
    """Logits [length, vocab], each layer's keys and values [heads, length, head size], and the
    final layer norm's output [length, width]."""
    length = len(ids)
    x = w["wte"][ids] + w["wpe"][:length]
    causal = np.tril(np.ones((length, length), dtype=bool))
    cache = []
    for i in range(layers):
        p = f"h.{i}."
        a = norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"]) @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = (t.reshape(length, heads, hw).transpose(1, 0, 2) for t in np.split(a, 3, axis=-1))
        cache.append((k, v))
        scores = np.where(causal, q @ k.transpose(0, 2, 1) / np.sqrt(hw), -np.inf)
        x = x + (softmax(scores) @ v).transpose(1, 0, 2).reshape(length, width) @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        m = norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"]) @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]
        x = x + gelu(m) @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    hidden = norm(x, w["ln_f.weight"], w["ln_f.bias"])
    return hidden @ w["wte"].T, cache, hidden


model = onnx.load(job["model"])
onnx.checker.check_model(model, full_check=True)
meta = {p.key: p.value for p in model.metadata_props}
config_ok = json.loads(meta["gatehouse.gpt_config"]) == cfg

ids = np.array(job["ids"], dtype=np.int64)
lengths = job["lengths"]
batch, padded = ids.shape
pads = [padded - n for n in lengths]
mask = np.array([[0] * p + [1] * n for p, n in zip(pads, lengths)], dtype=np.int64)
# Hugging Face's positions for left padding: count real tokens, padding at 1.
positions = np.where(mask == 1, np.cumsum(mask, -1) - 1, 1).astype(np.int64)
session = ort.InferenceSession(job["model"], providers=["CPUExecutionProvider"])
names = [o.name for o in session.get_outputs()]
empty = np.zeros((batch, heads, 0, hw), dtype=np.float32)
feed = {"input_ids": ids, "attention_mask": mask, "position_ids": positions}
for i in range(layers):
    feed[f"past_key_values.{i}.key"] = empty
    feed[f"past_key_values.{i}.value"] = empty
first = dict(zip(names, session.run(None, feed)))

step = {
    "input_ids": np.array(job["next"], dtype=np.int64)[:, None],
    "attention_mask": np.concatenate([mask, np.ones((batch, 1), dtype=np.int64)], 1),
    "position_ids": np.array(lengths, dtype=np.int64)[:, None],
}
for i in range(layers):
    step[f"past_key_values.{i}.key"] = first[f"present.{i}.key"]
    step[f"past_key_values.{i}.value"] = first[f"present.{i}.value"]
second = dict(zip(names, session.run(None, step)))

logits_diff = step_diff = cache_diff = hidden_diff = 0.0
for b in range(batch):
    n, p = lengths[b], pads[b]
    ref_logits, ref_cache, ref_hidden = forward(list(ids[b, p:]) + [job["next"][b]])
    logits_diff = max(logits_diff, float(np.abs(first["logits"][b, p:] - ref_logits[:n]).max()))
    hidden_diff = max(hidden_diff, float(np.abs(first["last_hidden_state"][b, p:] - ref_hidden[:n]).max()))
    step_diff = max(step_diff, float(np.abs(second["logits"][b, 0] - ref_logits[n]).max()))
    for i, (k, v) in enumerate(ref_cache):
        cache_diff = max(
            cache_diff,
            float(np.abs(second[f"present.{i}.key"][b, :, p:] - k).max()),
            float(np.abs(second[f"present.{i}.value"][b, :, p:] - v).max()),
        )
print(
    json.dumps(
        {
            "checker": "ok",
            "configInMetadata": config_ok,
            "inputs": [i.name for i in session.get_inputs()],
            "outputs": names,
            "logits": logits_diff,
            "step": step_diff,
            "cache": cache_diff,
            "hidden": hidden_diff,
        }
    )
)
