import type { Config } from "../config.js";
import { DEFAULT_POLICY_FILE } from "./load-policy.js";

/**
 * The policy files a hub checks: the one Gatehouse ships unless
 * GATEHOUSE_DEFAULT_POLICY=false, then every `*.yaml` of GATEHOUSE_POLICY_DIR.
 */
export function policyFiles(config: Config): string[] {
  return [
    ...(config.defaultPolicy ? [DEFAULT_POLICY_FILE] : []),
    ...(config.policyDir === null ? [] : [config.policyDir]),
  ];
}
