import { useCallback, useEffect, useState } from "react";
import { apiResponse, type ApiError, type ApiResponse } from "./client.js";

/** What a page knows about one GET: still loading, its answer, or its error. */
export type Loaded<T> =
  | { readonly state: "loading" }
  | { readonly state: "done"; readonly body: T; readonly headers: Headers }
  | { readonly state: "failed"; readonly error: ApiError | Error };

const LOADING = { state: "loading" } as const;

/** The last answer, with the path it answers, so it is never shown for another path. */
interface Answer<T> {
  readonly path: string | null;
  readonly loaded: Loaded<T>;
}

/**
 * Fetches `path` (null: nothing yet) whenever it changes, dropping answers
 * to earlier paths that arrive late; `reload` asks again after a change.
 *
 * While a reload of the same path is under way the last answer stays shown,
 * so a page that asks again after a change keeps its place, its forms, their
 * messages and focus instead of flashing "loading". A new path shows
 * "loading" until its own answer comes.
 */
export function useApi<T>(path: string | null): [Loaded<T>, () => void] {
  const [answer, setAnswer] = useState<Answer<T>>({ path: null, loaded: LOADING });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === null) {
      return;
    }
    const abort = new AbortController();
    const settle = (loaded: Loaded<T>) => {
      // An answer that lands after its path changed or a reload began is stale.
      if (!abort.signal.aborted) {
        setAnswer({ path, loaded });
      }
    };
    apiResponse<T>(path, { signal: abort.signal }).then(
      (response: ApiResponse<T>) => {
        settle({ state: "done", body: response.body, headers: response.headers });
      },
      (error: unknown) => {
        settle({
          state: "failed",
          error: error instanceof Error ? error : new Error(String(error)),
        });
      },
    );
    return () => {
      abort.abort();
    };
  }, [path, generation]);
  const reload = useCallback(() => {
    setGeneration((g) => g + 1);
  }, []);
  return [answer.path === path ? answer.loaded : LOADING, reload];
}
