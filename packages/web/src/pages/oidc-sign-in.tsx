import { useTranslation } from "react-i18next";
import { useApi } from "../api/use-api.js";

/** What the hub says of its OpenID Connect sign-in (`GET /api/session/oidc`). */
interface OidcStatus {
  readonly enabled: boolean;
  readonly name: string | null;
}

/** The reasons the hub sends a browser back to `/login?error=…` with, each with its own message. */
const ERRORS = new Set([
  "oidc_cancelled",
  "oidc_expired",
  "oidc_failed",
  "oidc_unavailable",
  "oidc_no_account",
  "oidc_name_taken",
  "oidc_no_username",
]);

/**
 * Why the last sign-in through the provider came back unfinished, from the
 * address bar; an unknown reason gets a general message, never its own text.
 */
export function OidcSignInError({ code, name }: { code: string | null; name: string | null }) {
  const { t } = useTranslation("auth");
  if (code === null) {
    return null;
  }
  const key = ERRORS.has(code) ? code : "unknown";
  return (
    <p className="error" role="alert">
      {t(`oidc.errors.${key}`, { name: name ?? "" })}
    </p>
  );
}

/**
 * "Sign in with …", a link to the hub's start route (a navigation, not a
 * fetch: the browser goes to the provider and back), shown when the hub has
 * OpenID Connect sign-in.
 */
export function OidcSignInButton({ next }: { next: string }) {
  const { t } = useTranslation("auth");
  const [status] = useApi<OidcStatus>("/api/session/oidc");
  if (status.state !== "done" || !status.body.enabled) {
    return null;
  }
  return (
    <p className="oidc-sign-in">
      <a
        className="button primary"
        href={`/api/session/oidc/start?next=${encodeURIComponent(next)}`}
      >
        {t("oidc.button", { name: status.body.name ?? "" })}
      </a>
      <span className="muted">{t("oidc.or")}</span>
    </p>
  );
}
