import { useCallback, useEffect, useState } from "react";
import { apiResponse, type ApiError, type ApiResponse } from "./client.js";

/** What a page knows about one GET: still loading, its answer, or its error. */
export type Loaded<T> =
  | { readonly state: "loading" }
  | { readonly state: "done"; readonly body: T; readonly headers: Headers }
  | { readonly state: "failed"; readonly error: ApiError | Error };

/**
 * Fetches `path` (null: nothing yet) whenever it changes, dropping answers
 * to earlier paths that arrive late; `reload` asks again after a change.
 */
export function useApi<T>(path: string | null): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === null) {
      return;
    }
    const abort = new AbortController();
    setLoaded({ state: "loading" });
    apiResponse<T>(path, { signal: abort.signal }).then(
      (response: ApiResponse<T>) => {
        setLoaded({ state: "done", body: response.body, headers: response.headers });
      },
      (error: unknown) => {
        if (!abort.signal.aborted) {
          setLoaded({
            state: "failed",
            error: error instanceof Error ? error : new Error(String(error)),
          });
        }
      },
    );
    return () => {
      abort.abort();
    };
  }, [path, generation]);
  const reload = useCallback(() => {
    setGeneration((g) => g + 1);
  }, []);
  return [loaded, reload];
}
