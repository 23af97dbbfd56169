import { useModel } from "../model/model-context.js";
import { SignalsSection } from "./signals-section.js";
import { UsagePanel } from "./usage-panel.js";

/** A model's usage tab: the calls to all its versions over time, then its open abuse signals. */
export function ModelUsageTab() {
  const { namespace, name } = useModel();
  const query = `model=${encodeURIComponent(`${namespace}/${name}`)}`;
  return (
    <>
      <UsagePanel query={query} />
      <SignalsSection query={query} />
    </>
  );
}
