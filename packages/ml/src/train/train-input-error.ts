/**
 * Raised when training or prediction input cannot be used: wrong shape, a value
 * that is not a finite number, a label out of range, a bad option. The message
 * names the offending thing and what to change.
 */
export class TrainInputError extends Error {
  override readonly name = "TrainInputError";
}
