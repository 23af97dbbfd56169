/** A language-model run refused for its input (a corpus, a base folder, a size, a checkpoint), with what to fix. */
export class LmInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LmInputError";
  }
}
