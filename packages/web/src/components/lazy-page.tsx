import { lazy, Suspense, type ComponentType, type ReactElement } from "react";
import { Loading } from "./feedback.js";

/**
 * A page whose code loads (as its own chunk) only when it is first shown,
 * saying "loading" meanwhile: for pages few visitors open, which the first
 * load of the UI should not carry.
 *
 * @example
 * { path: "settings/audit", element: lazyPage(async () => (await import("./audit/audit-page.js")).AuditPage) }
 */
export function lazyPage(load: () => Promise<ComponentType>): ReactElement {
  const Page = lazy(async () => ({ default: await load() }));
  return (
    <Suspense fallback={<Loading />}>
      <Page />
    </Suspense>
  );
}
