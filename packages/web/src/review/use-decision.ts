import { useState } from "react";

/** A reviewer's decision on one item of the inbox, as it is sent. */
export interface Decision {
  readonly busy: boolean;
  readonly error: Error | null;
  /** Sends the decision (`send` answers the message to show), or keeps the hub's refusal. */
  readonly decide: (send: () => Promise<string>) => Promise<void>;
}

/**
 * Sends a decision and hands its message to `onDone`. The item stays busy
 * after success: it leaves the list when the list comes again, and must not
 * be decided twice meanwhile.
 */
export function useDecision(onDone: (message: string) => void): Decision {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const decide = async (send: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    try {
      onDone(await send());
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
      setBusy(false);
    }
  };
  return { busy, error, decide };
}
