import { useTranslation } from "react-i18next";
import { Navigate } from "react-router";
import { useSession } from "../api/session.js";
import { Loading } from "../components/feedback.js";
import { AccessRequestInbox } from "./access-request-inbox.js";
import { SignoffInbox } from "./signoff-inbox.js";
import "./review.css";

/**
 * `/settings/inbox`: what waits for the signed-in user across every model:
 * access requests to decide and stage changes to sign off. The hub lists only
 * what they may act on.
 */
export function InboxPage() {
  const { t } = useTranslation("review");
  const { user } = useSession();
  if (user === undefined) {
    return <Loading />;
  }
  if (user === null) {
    return <Navigate to={`/login?next=${encodeURIComponent("/settings/inbox")}`} replace />;
  }
  return (
    <div className="inbox">
      <h1>{t("inbox.title")}</h1>
      <p className="muted">{t("inbox.intro")}</p>
      <AccessRequestInbox />
      <SignoffInbox />
    </div>
  );
}
