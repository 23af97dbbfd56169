/** The fewest characters a password may have. */
export const PASSWORD_MIN_LENGTH = 12;
/** The most characters a password may have: a bound on what each sign-in hashes. */
export const PASSWORD_MAX_LENGTH = 1024;

/** Characters as a person counts them closely enough, and as JSON Schema's maxLength does: code points. */
function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    // A surrogate pair is one character; count its first half only.
    const unit = text.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff) {
      count += 1;
    }
  }
  return count;
}

/**
 * What is wrong with a new password, as the end of a sentence that starts with
 * the field's name and says what to fix; null when it may be used. Length is
 * counted in characters (Unicode code points) after NFC normalisation, as the
 * password is hashed.
 *
 * @example passwordProblem("hunter2") // "is 7 characters long; use at least 12 …"
 */
export function passwordProblem(password: string): string | null {
  const length = codePoints(password.normalize("NFC"));
  if (length < PASSWORD_MIN_LENGTH) {
    return `is ${length} characters long; use at least ${PASSWORD_MIN_LENGTH} (a few unrelated words make a long password that is easy to remember)`;
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return `is ${length} characters long; use at most ${PASSWORD_MAX_LENGTH}`;
  }
  if (password.trim() === "") {
    return "is only spaces; use letters, digits or words";
  }
  return null;
}
