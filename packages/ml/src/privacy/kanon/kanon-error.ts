/** Bad input to the k-anonymity tools: an unknown column, an impossible k or l, a bad hierarchy. */
export class KAnonymityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KAnonymityError";
  }
}
