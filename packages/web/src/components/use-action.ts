import { useCallback, useState } from "react";

/** A change the page asks of the hub: whether it runs now, and why it last failed. */
export interface Action {
  readonly busy: boolean;
  readonly error: Error | null;
  /** Runs `work`, keeping its error to show; true when it succeeded. */
  readonly run: (work: () => Promise<unknown>) => Promise<boolean>;
  readonly clear: () => void;
}

/** Runs one change at a time and keeps the hub's refusal for `ErrorMessage`. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const run = useCallback(async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => {
    setError(null);
  }, []);
  return { busy, error, run, clear };
}
