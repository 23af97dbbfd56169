import { useOutletContext } from "react-router";
import type { ModelInfo } from "../api/types.js";

/** What the model page hands each of its tabs. */
export interface ModelContext {
  readonly namespace: string;
  readonly name: string;
  /** `namespace/name`, escaped for use in an API path. */
  readonly apiBase: string;
  readonly info: ModelInfo;
  /** Asks the hub for the model again, after a tab changed something. */
  readonly reload: () => void;
}

/** The model whose page a tab is on. */
export function useModel(): ModelContext {
  return useOutletContext<ModelContext>();
}
