import { useRef } from "react";
import type { Loaded } from "../api/use-api.js";

/**
 * `loaded`, except that while a reload is under way the last answer stays
 * shown, so a page that asks again after a change keeps its place, its forms
 * and their messages instead of flashing "loading". Use where the path stays
 * the same (a different thing to show should remount the component).
 */
export function useKeptWhileReloading<T>(loaded: Loaded<T>): Loaded<T> {
  const last = useRef<Loaded<T>>(loaded);
  if (loaded.state !== "loading") {
    last.current = loaded;
    return loaded;
  }
  return last.current;
}
