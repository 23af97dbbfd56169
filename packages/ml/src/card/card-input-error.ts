/** Thrown when a model card cannot be written from its info: the message names the field. */
export class CardInputError extends Error {
  override readonly name = "CardInputError";
}
