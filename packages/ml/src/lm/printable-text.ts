/**
 * Generated text as one line a terminal or a card can show: runs of white
 * space become one space, and other control characters (which a model that
 * has learnt little emits as readily as letters) become U+FFFD.
 */
export function printableText(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is being replaced
  return text.replace(/\s+/g, " ").replace(/[\u0000-\u001f\u007f-\u009f]/g, "\uFFFD");
}
