import type { RouteObject } from "react-router";
import { MyAccessPage } from "./access/my-access-page.js";
import { RequestAccessTab } from "./access/request-access-tab.js";
import { Layout } from "./components/layout.js";
import { lazyPage } from "./components/lazy-page.js";
import { CardTab } from "./model/card-tab.js";
import { FilesTab } from "./model/files-tab.js";
import { VersionsTab } from "./model/versions-tab.js";
import { ReleaseTab } from "./release/release-tab.js";
import { AccessRecordsTab } from "./review/access-records-tab.js";
import { InboxPage } from "./review/inbox-page.js";
import { Browse } from "./pages/browse.js";
import { ModelPage } from "./pages/model-page.js";
import { NotFound } from "./pages/not-found.js";
import { RouteError } from "./pages/route-error.js";
import { SignIn } from "./pages/sign-in.js";
import { PasswordPage } from "./settings/password-page.js";
import { TokensPage } from "./settings/tokens-page.js";

// Administration, the audit log and transparency reports are for few visitors, and heavy.
const orgPages = () => import("./org/index.js");
const auditPage = async () => (await import("./audit/audit-page.js")).AuditPage;
const transparencyTab = async () =>
  (await import("./transparency/transparency-tab.js")).TransparencyTab;
const usageTabs = () => import("./usage/index.js");

/**
 * The pages of the UI. Their first path segments are names the hub reserves
 * (`models`, `login`, `settings`, `organizations`), so none can be a namespace;
 * any other `/namespace/name` is a model page.
 */
export const routes: RouteObject[] = [
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Browse /> },
      { path: "models", element: <Browse /> },
      { path: "login", element: <SignIn /> },
      { path: "settings/access", element: <MyAccessPage /> },
      { path: "settings/tokens", element: <TokensPage /> },
      { path: "settings/password", element: <PasswordPage /> },
      { path: "settings/inbox", element: <InboxPage /> },
      {
        path: "organizations",
        element: lazyPage(async () => (await orgPages()).OrganizationsPage),
      },
      {
        path: "organizations/:org",
        element: lazyPage(async () => (await orgPages()).OrgPage),
        children: [
          { index: true, element: lazyPage(async () => (await orgPages()).MembersTab) },
          { path: "webhooks", element: lazyPage(async () => (await orgPages()).WebhooksTab) },
          { path: "webhooks/:id", element: lazyPage(async () => (await orgPages()).WebhookPage) },
          { path: "usage", element: lazyPage(async () => (await usageTabs()).OrgUsageTab) },
        ],
      },
      { path: "settings/audit", element: lazyPage(auditPage) },
      {
        path: ":namespace/:name",
        element: <ModelPage />,
        children: [
          { index: true, element: <CardTab /> },
          { path: "files", element: <FilesTab /> },
          { path: "versions", element: <VersionsTab /> },
          { path: "request-access", element: <RequestAccessTab /> },
          { path: "release", element: <ReleaseTab /> },
          { path: "access-records", element: <AccessRecordsTab /> },
          { path: "transparency", element: lazyPage(transparencyTab) },
          { path: "usage", element: lazyPage(async () => (await usageTabs()).ModelUsageTab) },
        ],
      },
      { path: "*", element: <NotFound /> },
    ],
  },
];
