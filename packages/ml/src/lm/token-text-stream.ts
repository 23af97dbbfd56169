import type { BpeTokenizer } from "./bpe-tokenizer.js";
import { byteCharsToBytes } from "./byte-level.js";
import { LmInputError } from "./lm-input-error.js";

/**
 * Turns generated tokens into text as they come, for streaming. A byte-level
 * token may end inside a UTF-8 character, so the incomplete tail is held
 * until the token that completes it; text that could be the start of a stop
 * sequence is held until it is known not to be one, so a stop sequence is
 * never shown. Joined, the pieces {@link push} and {@link finish} return are
 * {@link text}, which is what `tokenizer.decode` gives for the same tokens,
 * cut before the first stop sequence.
 *
 * @example
 * ```ts
 * const stream = new TokenTextStream(tokenizer, ["\n\n"]);
 * for (const id of ids) {
 *   write(stream.push(id));
 *   if (stream.stopped) break;
 * }
 * write(stream.finish());
 * ```
 */
export class TokenTextStream {
  // Not fatal: an invalid byte sequence becomes U+FFFD, as tokenizer.decode gives it.
  private readonly decoder = new TextDecoder("utf-8");
  private readonly stops: readonly string[];
  private decoded = "";
  private sent = 0;
  private stopIndex: number | undefined;

  constructor(
    private readonly tokenizer: BpeTokenizer,
    stops: readonly string[] = [],
  ) {
    if (stops.some((stop) => stop.length === 0)) {
      throw new LmInputError("a stop sequence is empty; give each at least one character");
    }
    this.stops = stops;
  }

  /** Whether a stop sequence has appeared; nothing more may be pushed. */
  get stopped(): boolean {
    return this.stopIndex !== undefined;
  }

  /** The text so far, cut before the stop sequence once one has appeared. */
  get text(): string {
    return this.stopIndex === undefined ? this.decoded : this.decoded.slice(0, this.stopIndex);
  }

  /** Adds one token and returns the text that is now certain, possibly empty. */
  push(id: number): string {
    if (this.stopIndex !== undefined) {
      throw new Error("a stop sequence has already ended this text; push no more tokens");
    }
    const token = this.tokenizer.tokens[id];
    if (token === undefined) {
      throw new RangeError(`token id ${id} is outside the vocabulary of ${this.tokenizer.size}`);
    }
    if (this.tokenizer.specialTokens.includes(token)) {
      // A special token is text of its own: the bytes before it end there, as in decode().
      this.decoded += this.decoder.decode() + token;
    } else {
      this.decoded += this.decoder.decode(byteCharsToBytes(token), { stream: true });
    }
    return this.release(false);
  }

  /** Ends the text (no more tokens) and returns what was still held back. */
  finish(): string {
    if (this.stopIndex === undefined) {
      this.decoded += this.decoder.decode();
    }
    return this.release(true);
  }

  private release(final: boolean): string {
    if (this.stopIndex !== undefined) {
      return this.emitUpTo(this.stopIndex);
    }
    // Held-back text covers any stop sequence's start, so none can begin before `sent`.
    let first: number | undefined;
    for (const stop of this.stops) {
      const at = this.decoded.indexOf(stop, this.sent);
      if (at >= 0 && (first === undefined || at < first)) {
        first = at;
      }
    }
    if (first !== undefined) {
      this.stopIndex = first;
      return this.emitUpTo(first);
    }
    if (final) {
      return this.emitUpTo(this.decoded.length);
    }
    return this.emitUpTo(this.decoded.length - this.heldForStops());
  }

  /** The length of the longest unsent tail that begins some stop sequence. */
  private heldForStops(): number {
    const unsent = this.decoded.length - this.sent;
    const longest = Math.max(0, ...this.stops.map((stop) => stop.length - 1));
    for (let k = Math.min(longest, unsent); k > 0; k--) {
      const tail = this.decoded.slice(-k);
      if (this.stops.some((stop) => stop.startsWith(tail))) {
        return k;
      }
    }
    return 0;
  }

  private emitUpTo(end: number): string {
    if (end <= this.sent) {
      return "";
    }
    const piece = this.decoded.slice(this.sent, end);
    this.sent = end;
    return piece;
  }
}
