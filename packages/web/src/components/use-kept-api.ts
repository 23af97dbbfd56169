import { useEffect, useState } from "react";
import { useApi, type Loaded } from "../api/use-api.js";

/**
 * `useApi`, but while it asks again after a change (`reload`) the page keeps
 * showing the last answer for the same path instead of a loading message, so
 * what the user was looking at (and where focus was) stays put.
 */
export function useKeptApi<T>(path: string | null): [Loaded<T>, () => void] {
  const [loaded, reload] = useApi<T>(path);
  const [kept, setKept] = useState<{ path: string | null; loaded: Loaded<T> } | null>(null);
  useEffect(() => {
    if (loaded.state === "done") {
      setKept({ path, loaded });
    }
  }, [loaded, path]);
  if (loaded.state === "loading" && kept !== null && kept.path === path) {
    return [kept.loaded, reload];
  }
  return [loaded, reload];
}
