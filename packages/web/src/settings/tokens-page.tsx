import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../api/session.js";
import { useApi } from "../api/use-api.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { NewTokenNotice } from "./new-token-notice.js";
import { RequireSignIn } from "./require-sign-in.js";
import { SettingsNav } from "./settings-nav.js";
import type { CreatedToken, RevokedToken, TokenInfo } from "./settings-types.js";
import { TokenCreateForm } from "./token-create-form.js";
import { TokenList } from "./token-list.js";
import "./settings.css";

function Tokens() {
  const { t } = useTranslation("settings");
  const { user } = useSession();
  const [loaded, reload] = useApi<{ tokens: TokenInfo[] }>("/api/tokens");
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoked, setRevoked] = useState<RevokedToken | null>(null);
  return (
    <>
      {created !== null ? (
        <NewTokenNotice
          token={created}
          onDone={() => {
            setCreated(null);
          }}
        />
      ) : (
        <TokenCreateForm
          isAdmin={user?.isAdmin === true}
          onCreated={(token) => {
            setRevoked(null);
            setCreated(token);
            reload();
          }}
        />
      )}
      <section aria-labelledby="token-list-title">
        <h2 id="token-list-title">{t("tokens.yours")}</h2>
        <p role="status" className="muted">
          {revoked === null
            ? null
            : revoked.alsoRevoked.length === 0
              ? t("tokens.revoked", { name: revoked.name })
              : t("tokens.revokedWith", { name: revoked.name, count: revoked.alsoRevoked.length })}
        </p>
        {loaded.state === "loading" ? <Loading /> : null}
        {loaded.state === "failed" ? <ErrorMessage error={loaded.error} /> : null}
        {loaded.state === "done" ? (
          <TokenList
            tokens={loaded.body.tokens}
            onRevoked={(token) => {
              setRevoked(token);
              reload();
            }}
          />
        ) : null}
      </section>
    </>
  );
}

/** The signed-in user's API tokens: create one (shown once), list them, revoke one. */
export function TokensPage() {
  const { t } = useTranslation("settings");
  return (
    <section className="settings-page">
      <h1>{t("tokens.title")}</h1>
      <SettingsNav />
      <p className="muted">{t("tokens.intro")}</p>
      <RequireSignIn>
        <Tokens />
      </RequireSignIn>
    </section>
  );
}
