import { useModel } from "../model/model-context.js";
import { UsagePanel } from "./usage-panel.js";

/** A model's usage tab: the calls to all its versions over time. */
export function ModelUsageTab() {
  const { namespace, name } = useModel();
  return <UsagePanel query={`model=${encodeURIComponent(`${namespace}/${name}`)}`} />;
}
