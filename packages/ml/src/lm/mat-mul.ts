import * as tf from "@tensorflow/tfjs";

/** Swaps the last two axes. */
function swapped(t: tf.Tensor): tf.Tensor {
  const axes = t.shape.map((_, i) => i);
  const last = axes.length - 1;
  [axes[last - 1], axes[last]] = [axes[last] as number, axes[last - 1] as number];
  return tf.transpose(t, axes);
}

/**
 * a × b for 2-D or batched 3-D tensors, with a gradient made of plain
 * products of transposed copies. tfjs's own gradient of `matMul` multiplies
 * with transposed operands in place, a path of the wasm backend that runs
 * 5 to 30 times slower than a transpose followed by a plain product; the
 * decoder's training spends most of its time in these products.
 */
export const matMul: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor = tf.customGrad(
  (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([a, b]);
    return {
      value: tf.matMul(a, b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [x, y] = saved as [tf.Tensor, tf.Tensor];
        return [tf.matMul(dy, swapped(y)), tf.matMul(swapped(x), dy)];
      },
    };
  },
);

/** a × bᵀ by a transposed copy of b, for the same reason. */
export function matMulTransposed(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return matMul(a, swapped(b));
}
