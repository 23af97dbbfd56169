import { useTranslation } from "react-i18next";
import { Navigate, useLocation } from "react-router";
import { ApiError } from "../api/client.js";

/**
 * Shows why something failed, in the hub's own words. A 401 means the
 * session ended: off to sign-in, which brings the user back here after.
 */
export function ErrorMessage({
  error,
  signInOn401 = true,
}: {
  readonly error: Error;
  /** False where a 401 is the answer itself (a wrong password). */
  readonly signInOn401?: boolean;
}) {
  const { t } = useTranslation();
  const location = useLocation();
  if (signInOn401 && error instanceof ApiError && error.status === 401) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}&expired=1`} replace />;
  }
  return (
    <div className="error" role="alert">
      <p>{error.message}</p>
      {error instanceof ApiError && error.requestId !== null ? (
        <p className="muted">{t("error.requestId", { id: error.requestId })}</p>
      ) : null}
    </div>
  );
}

/** Said while a page waits for the hub. */
export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="muted" role="status">
      {t("loading")}
    </p>
  );
}
