/** Thrown when a metric's input cannot be scored: the message names the argument and what to fix. */
export class MetricInputError extends Error {
  override readonly name = "MetricInputError";
}
