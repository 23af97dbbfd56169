/** The hub's rules for a new password: at least this many characters… */
export const PASSWORD_MIN_LENGTH = 12;
/** …and at most this many. */
export const PASSWORD_MAX_LENGTH = 1024;

/** Characters as the hub counts them: Unicode code points after NFC normalisation. */
function length(password: string): number {
  return Array.from(password.normalize("NFC")).length;
}

/** Which of the hub's rules a new password breaks (a key of the `settings` strings), or null. */
export function newPasswordProblem(password: string): string | null {
  if (password === "") {
    return "password.problem.newMissing";
  }
  const n = length(password);
  if (n < PASSWORD_MIN_LENGTH) {
    return "password.problem.tooShort";
  }
  if (n > PASSWORD_MAX_LENGTH) {
    return "password.problem.tooLong";
  }
  if (password.trim() === "") {
    return "password.problem.onlySpaces";
  }
  return null;
}
