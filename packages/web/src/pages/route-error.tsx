import { useTranslation } from "react-i18next";
import { Link, useRouteError } from "react-router";

/**
 * What a page shows when it failed to render: the error's message and a way
 * back, never a blank page.
 */
export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  const message = error instanceof Error ? error.message : String(error);
  return (
    <main id="main" className="route-error">
      <h1>{t("routeError.title")}</h1>
      <div className="error" role="alert">
        <p>{message}</p>
      </div>
      <p>
        <Link to="/">{t("notFound.home")}</Link>
      </p>
    </main>
  );
}
