import { useOrg } from "../org/org-context.js";
import { UsagePanel } from "./usage-panel.js";

/** An organisation's usage tab: the calls to all its models over time. */
export function OrgUsageTab() {
  const { org } = useOrg();
  return <UsagePanel query={`org=${encodeURIComponent(org)}`} />;
}
