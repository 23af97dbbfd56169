import * as tf from "@tensorflow/tfjs";
import type { GptConfig } from "./gpt-config.js";
import { matMul, matMulTransposed } from "./mat-mul.js";
import type { GptWeights } from "./gpt-weights.js";

const LAYER_NORM_EPSILON = 1e-5;

function weight(weights: GptWeights, name: string): tf.Variable {
  const w = weights.get(name);
  if (w === undefined) {
    throw new Error(`the model has no weight ${name}`);
  }
  return w;
}

function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x
    .sub(mean)
    .mul(tf.rsqrt(variance.add(LAYER_NORM_EPSILON)))
    .mul(gain)
    .add(bias);
}

/** GPT-2's GELU, the tanh approximation (Hendrycks and Gimpel 2016). */
function gelu(x: tf.Tensor): tf.Tensor {
  const inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
  return x.mul(0.5).mul(inner.tanh().add(1));
}

/** x [.., in] times w [in, out], plus b. */
function dense(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const shape = x.shape;
  const rows = shape.slice(0, -1);
  const flat = x.reshape([-1, shape[shape.length - 1] ?? 0]);
  return matMul(flat, w)
    .add(b)
    .reshape([...rows, w.shape[1] ?? 0]);
}

/** A mask of −∞ above the diagonal: a position sees itself and those before it. */
function causalMask(length: number): tf.Tensor {
  const allowed = tf.linalg.bandPart(tf.ones([length, length]), -1, 0);
  return tf.sub(1, allowed).mul(-1e9);
}

/**
 * The decoder's body: its final hidden state [batch, length, width] for each
 * position of `ids` [batch, length], from token and position embeddings,
 * pre-norm blocks of causal multi-head attention and a GELU MLP, and a final
 * layer norm. A position sees only those before it, so padding after a
 * sequence leaves the sequence's states as they are alone. Call inside
 * `tf.tidy` or a gradient function.
 */
export function gptHidden(config: GptConfig, weights: GptWeights, ids: tf.Tensor2D): tf.Tensor3D {
  const [batch, length] = ids.shape;
  if (length > config.contextSize) {
    throw new RangeError(
      `a sequence of ${length} tokens is longer than the context of ${config.contextSize}`,
    );
  }
  const { heads, width } = config;
  const headWidth = width / heads;
  const wte = weight(weights, "wte");
  let x = tf
    .gather(wte, ids.flatten())
    .reshape([batch, length, width])
    .add(weight(weights, "wpe").slice([0, 0], [length, width]));
  const mask = causalMask(length);
  // Heads folded into the batch axis: [batch × heads, length, head width].
  const split = (t: tf.Tensor): tf.Tensor =>
    t
      .reshape([batch, length, heads, headWidth])
      .transpose([0, 2, 1, 3])
      .reshape([batch * heads, length, headWidth]);
  for (let i = 0; i < config.layers; i++) {
    const h = `h.${i}`;
    const normed = layerNorm(
      x,
      weight(weights, `${h}.ln_1.weight`),
      weight(weights, `${h}.ln_1.bias`),
    );
    const qkv = dense(
      normed,
      weight(weights, `${h}.attn.c_attn.weight`),
      weight(weights, `${h}.attn.c_attn.bias`),
    );
    const [q, k, v] = tf.split(qkv, 3, -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const scores = matMulTransposed(split(q), split(k))
      .mul(1 / Math.sqrt(headWidth))
      .add(mask);
    const attended = matMul(tf.softmax(scores), split(v))
      .reshape([batch, heads, length, headWidth])
      .transpose([0, 2, 1, 3])
      .reshape([batch, length, width]);
    x = x.add(
      dense(
        attended,
        weight(weights, `${h}.attn.c_proj.weight`),
        weight(weights, `${h}.attn.c_proj.bias`),
      ),
    );
    const normed2 = layerNorm(
      x,
      weight(weights, `${h}.ln_2.weight`),
      weight(weights, `${h}.ln_2.bias`),
    );
    const hidden = gelu(
      dense(
        normed2,
        weight(weights, `${h}.mlp.c_fc.weight`),
        weight(weights, `${h}.mlp.c_fc.bias`),
      ),
    );
    x = x.add(
      dense(
        hidden,
        weight(weights, `${h}.mlp.c_proj.weight`),
        weight(weights, `${h}.mlp.c_proj.bias`),
      ),
    );
  }
  return layerNorm(x, weight(weights, "ln_f.weight"), weight(weights, "ln_f.bias")) as tf.Tensor3D;
}

/**
 * The decoder's logits for each position of `ids` [batch, length]: the body's
 * hidden states times the token table again (tied) as the output layer. Call
 * inside `tf.tidy` or a gradient function.
 */
export function gptLogits(config: GptConfig, weights: GptWeights, ids: tf.Tensor2D): tf.Tensor3D {
  const [batch, length] = ids.shape;
  return matMulTransposed(
    gptHidden(config, weights, ids).reshape([batch * length, config.width]),
    weight(weights, "wte"),
  ).reshape([batch, length, config.vocabSize]);
}

/** Mean cross-entropy (nats a token) of predicting `targets` [batch, length] from the logits. */
export function gptLoss(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar {
  const vocab = logits.shape[2];
  const logProbs = tf.logSoftmax(logits.reshape([-1, vocab]));
  const picked = tf.oneHot(targets.flatten().cast("int32"), vocab).mul(logProbs).sum(-1);
  return picked.mean().neg() as tf.Scalar;
}
