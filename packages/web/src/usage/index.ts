// The usage tabs, which the routes load together, as one chunk, when one is first shown.
export { ModelUsageTab } from "./model-usage-tab.js";
export { OrgUsageTab } from "./org-usage-tab.js";
