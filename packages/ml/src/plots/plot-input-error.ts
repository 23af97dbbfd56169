/** Thrown when a plot's input cannot be drawn: the message names the argument and what to fix. */
export class PlotInputError extends Error {
  override readonly name = "PlotInputError";
}
