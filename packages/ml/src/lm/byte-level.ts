/**
 * Byte-level pre-tokenisation as GPT-2 does it (openai/gpt-2 `encoder.py`),
 * which Hugging Face's `ByteLevel` pre-tokenizer copies: text is cut into
 * words by one regular expression, and each word's UTF-8 bytes are written as
 * printable characters, so every string, in any script, maps to symbols of a
 * fixed 256-character alphabet and back without loss.
 */

/** GPT-2's split: contractions, letters, digits, other symbols, each with one leading space; runs of spaces. */
const WORDS = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * GPT-2's `bytes_to_unicode`: printable bytes stand for themselves, the others
 * (controls, space, …) for the code points from 256 up, in byte order.
 */
function byteAlphabet(): string[] {
  const printable = (b: number): boolean =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const chars: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) {
    chars.push(String.fromCodePoint(printable(b) ? b : next++));
  }
  return chars;
}

/** The character standing for each byte. */
export const BYTE_CHARS: readonly string[] = byteAlphabet();

const BYTE_OF = new Map(BYTE_CHARS.map((char, byte) => [char, byte]));

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: false });

/** The words of `text` in GPT-2's split; joined, they give `text` back. */
export function splitWords(text: string): string[] {
  return text.match(WORDS) ?? [];
}

/** A word's UTF-8 bytes written in the byte alphabet, one character a byte. */
export function toByteChars(word: string): string[] {
  return Array.from(utf8.encode(word), (byte) => BYTE_CHARS[byte] as string);
}

/** Symbols of the byte alphabet back to the bytes they stand for; a symbol outside the alphabet is an error. */
export function byteCharsToBytes(symbols: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of symbols) {
    const byte = BYTE_OF.get(char);
    if (byte === undefined) {
      throw new Error(`"${char}" is not a character of the byte alphabet`);
    }
    bytes.push(byte);
  }
  return Uint8Array.from(bytes);
}

/**
 * Symbols of the byte alphabet back to text. A cut inside a multi-byte
 * character (a sample stopped mid-way) decodes to U+FFFD, as GPT-2's
 * `errors="replace"` does; a symbol outside the alphabet is an error.
 */
export function fromByteChars(symbols: string): string {
  return utf8Decoder.decode(byteCharsToBytes(symbols));
}
