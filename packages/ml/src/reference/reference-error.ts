/** A reference training run was asked for something it cannot do; the message says what to change. */
export class ReferenceTrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReferenceTrainingError";
  }
}
