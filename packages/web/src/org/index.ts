// The organisation pages, which the routes load together, as one chunk, when one is first shown.
export { MembersTab } from "./members-tab.js";
export { OrgPage } from "./org-page.js";
export { OrganizationsPage } from "./organizations-page.js";
export { WebhookPage } from "./webhook-page.js";
export { WebhooksTab } from "./webhooks-tab.js";
