import { useOrg } from "../org/org-context.js";
import { SignalsSection } from "./signals-section.js";
import { UsagePanel } from "./usage-panel.js";

/** An organisation's usage tab: the calls to all its models over time, then their open abuse signals. */
export function OrgUsageTab() {
  const { org } = useOrg();
  const query = `org=${encodeURIComponent(org)}`;
  return (
    <>
      <UsagePanel query={query} />
      <SignalsSection query={query} />
    </>
  );
}
