/**
 * A privacy parameter outside its valid range (ε ≤ 0, δ outside (0, 1), a
 * sensitivity ≤ 0, …). The message names the parameter, the value given and the
 * range it must lie in.
 */
export class PrivacyParameterError extends RangeError {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
    this.name = "PrivacyParameterError";
  }
}

/** Throws unless `epsilon` is a finite number > 0. */
export function checkEpsilon(epsilon: number, name = "epsilon"): void {
  if (!Number.isFinite(epsilon) || epsilon <= 0) {
    throw new PrivacyParameterError(
      name,
      `${name} must be a finite number > 0, got ${String(epsilon)}`,
    );
  }
}

/** Throws unless `delta` lies in the open interval (0, 1). */
export function checkDelta(delta: number, name = "delta"): void {
  if (!Number.isFinite(delta) || delta <= 0 || delta >= 1) {
    throw new PrivacyParameterError(
      name,
      `${name} must lie in the open interval (0, 1), e.g. 1e-5, got ${String(delta)}`,
    );
  }
}

/** Throws unless `sensitivity` is a finite number > 0. */
export function checkSensitivity(sensitivity: number, name = "sensitivity"): void {
  if (!Number.isFinite(sensitivity) || sensitivity <= 0) {
    throw new PrivacyParameterError(
      name,
      `${name} must be a finite number > 0, got ${String(sensitivity)}`,
    );
  }
}

/** Throws unless `value` is a finite number. */
export function checkFinite(value: number, name: string): void {
  if (!Number.isFinite(value)) {
    throw new PrivacyParameterError(name, `${name} must be a finite number, got ${String(value)}`);
  }
}
