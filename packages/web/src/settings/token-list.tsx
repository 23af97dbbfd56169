import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, seg } from "../api/client.js";
import { ErrorMessage } from "../components/feedback.js";
import { useFormat } from "../i18n/format.js";
import { ConfirmDialog } from "./confirm-dialog.js";
import type { RevokedToken, TokenInfo } from "./settings-types.js";

type TokenState = "active" | "expired" | "revoked";

function stateOf(token: TokenInfo, now: number): TokenState {
  if (token.revokedAt !== null) {
    return "revoked";
  }
  return token.expiresAt !== null && Date.parse(token.expiresAt) <= now ? "expired" : "active";
}

/**
 * The user's tokens, newest first, with what each may do, its model, when
 * it was made, ends and was last used; an active one can be revoked after
 * a confirmation.
 */
export function TokenList({
  tokens,
  onRevoked,
}: {
  readonly tokens: readonly TokenInfo[];
  readonly onRevoked: (revoked: RevokedToken) => void;
}) {
  const { t } = useTranslation("settings");
  const format = useFormat();
  const [asking, setAsking] = useState<TokenInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const now = Date.now();
  const newestFirst = [...tokens].sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  const revoke = (token: TokenInfo) => {
    setBusy(true);
    setError(null);
    api<RevokedToken>(`/api/tokens/${seg(token.id)}`, { method: "DELETE" }).then(
      (revoked) => {
        setBusy(false);
        setAsking(null);
        onRevoked(revoked);
      },
      (err: unknown) => {
        setBusy(false);
        setAsking(null);
        setError(err instanceof Error ? err : new Error(String(err)));
      },
    );
  };

  return (
    <>
      {error !== null ? <ErrorMessage error={error} /> : null}
      {newestFirst.length === 0 ? (
        <p className="muted">{t("tokens.none")}</p>
      ) : (
        <div className="table-scroll">
          <table className="token-table">
            <thead>
              <tr>
                <th scope="col">{t("tokens.name")}</th>
                <th scope="col">{t("tokens.scope")}</th>
                <th scope="col">{t("tokens.modelColumn")}</th>
                <th scope="col">{t("tokens.createdAt")}</th>
                <th scope="col">{t("tokens.expiresAt")}</th>
                <th scope="col">{t("tokens.lastUsedAt")}</th>
                <th scope="col">{t("tokens.status")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("tokens.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {newestFirst.map((token) => {
                const state = stateOf(token, now);
                return (
                  <tr key={token.id} className={`token-${state}`}>
                    <th scope="row">{token.name}</th>
                    <td>{token.scopes.map((s) => t(`tokens.scopeNames.${s}`)).join(", ")}</td>
                    <td>
                      {token.model === null ? (
                        t("tokens.anyModel")
                      ) : (
                        <Link to={`/${token.model.split("/").map(seg).join("/")}`}>
                          {token.model}
                        </Link>
                      )}
                    </td>
                    <td>{format.dateTime(token.createdAt)}</td>
                    <td>
                      {token.expiresAt === null
                        ? t("tokens.never")
                        : format.dateTime(token.expiresAt)}
                    </td>
                    <td>
                      {token.lastUsedAt === null
                        ? t("tokens.neverUsed")
                        : format.dateTime(token.lastUsedAt)}
                    </td>
                    <td>
                      <span className={`badge token-state-${state}`}>
                        {t(`tokens.states.${state}`)}
                      </span>
                    </td>
                    <td>
                      {state === "active" ? (
                        <button
                          type="button"
                          className="danger-outline"
                          aria-label={t("tokens.revokeNamed", { name: token.name })}
                          onClick={() => {
                            setAsking(token);
                          }}
                        >
                          {t("tokens.revoke")}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {asking !== null ? (
        <ConfirmDialog
          title={t("tokens.confirmTitle", { name: asking.name })}
          confirmLabel={t("tokens.confirmRevoke")}
          cancelLabel={t("tokens.cancel")}
          busy={busy}
          onConfirm={() => {
            revoke(asking);
          }}
          onCancel={() => {
            setAsking(null);
          }}
        >
          <p>{t("tokens.confirmBody")}</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
