import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useApi } from "../api/use-api.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useFormat } from "../i18n/format.js";
import { RequireSignIn } from "../settings/require-sign-in.js";
import { SettingsNav } from "../settings/settings-nav.js";
import type { AccessGrant, AccessRequest, MyAccess } from "./access-types.js";
import { modelPath } from "./access-types.js";
import "./access.css";

function ModelLink({ model, tab }: { readonly model: string; readonly tab?: string }) {
  return <Link to={modelPath(model) + (tab === undefined ? "" : `/${tab}`)}>{model}</Link>;
}

function GrantsTable({ grants }: { readonly grants: readonly AccessGrant[] }) {
  const { t } = useTranslation("access");
  const format = useFormat();
  if (grants.length === 0) {
    return <p className="muted">{t("mine.noGrants")}</p>;
  }
  return (
    <table className="access-table">
      <thead>
        <tr>
          <th scope="col">{t("mine.model")}</th>
          <th scope="col">{t("mine.covers")}</th>
          <th scope="col">{t("mine.through")}</th>
          <th scope="col">{t("mine.granted")}</th>
          <th scope="col">{t("mine.expires")}</th>
          <th scope="col">{t("mine.status")}</th>
        </tr>
      </thead>
      <tbody>
        {grants.map((grant) => (
          <tr key={grant.id}>
            <th scope="row">
              <ModelLink model={grant.model} />
            </th>
            <td>
              {grant.version === null
                ? t("mine.everyVersion")
                : t("mine.oneVersion", { version: grant.version })}
            </td>
            <td>
              {grant.granteeKind === "org"
                ? t("mine.throughOrg", { org: grant.grantee })
                : t("mine.throughYou")}
            </td>
            <td>{format.dateTime(grant.grantedAt)}</td>
            <td>
              {grant.status === "revoked"
                ? t("mine.revokedOn", { date: format.dateTime(grant.revokedAt) })
                : grant.expiresAt === null
                  ? t("mine.never")
                  : format.dateTime(grant.expiresAt)}
            </td>
            <td>
              <span className={`badge grant-${grant.status}`}>
                {t(`grantStatus.${grant.status}`)}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RequestsTable({
  requests,
  caption,
}: {
  readonly requests: readonly AccessRequest[];
  readonly caption: string;
}) {
  const { t } = useTranslation("access");
  const format = useFormat();
  return (
    <table className="access-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("mine.model")}</th>
          <th scope="col">{t("mine.version")}</th>
          <th scope="col">{t("mine.for")}</th>
          <th scope="col">{t("mine.asked")}</th>
          <th scope="col">{t("mine.status")}</th>
          <th scope="col">{t("mine.decided")}</th>
        </tr>
      </thead>
      <tbody>
        {requests.map((request) => (
          <tr key={request.id}>
            <th scope="row">
              <ModelLink model={request.model} tab="request-access" />
            </th>
            <td>{request.version ?? t("mine.none")}</td>
            <td>{request.grantee}</td>
            <td>{format.dateTime(request.createdAt)}</td>
            <td>
              <span className={`badge access-${request.status}`}>
                {t(`requestStatus.${request.status}`)}
              </span>
            </td>
            <td>
              {request.decidedAt === null ? t("mine.none") : format.dateTime(request.decidedAt)}
              {request.rejectionReason !== null ? (
                <div className="muted">
                  {t("standing.reason", { reason: request.rejectionReason })}
                </div>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MyAccessBody() {
  const { t } = useTranslation("access");
  const [loaded] = useApi<MyAccess>("/api/access/mine");
  if (loaded.state === "loading") {
    return <Loading />;
  }
  if (loaded.state === "failed") {
    return <ErrorMessage error={loaded.error} />;
  }
  const { grants, requests } = loaded.body;
  const pending = requests.filter((r) => r.status === "pending");
  const decided = requests.filter((r) => r.status !== "pending");
  return (
    <>
      <section aria-labelledby="mine-grants">
        <h2 id="mine-grants">{t("mine.grants")}</h2>
        <GrantsTable grants={grants} />
      </section>
      <section aria-labelledby="mine-pending">
        <h2 id="mine-pending">{t("mine.pending")}</h2>
        {pending.length === 0 ? (
          <p className="muted">{t("mine.noPending")}</p>
        ) : (
          <RequestsTable requests={pending} caption={t("mine.pending")} />
        )}
      </section>
      <section aria-labelledby="mine-decided">
        <h2 id="mine-decided">{t("mine.decidedTitle")}</h2>
        {decided.length === 0 ? (
          <p className="muted">{t("mine.noDecided")}</p>
        ) : (
          <RequestsTable requests={decided} caption={t("mine.decidedTitle")} />
        )}
      </section>
    </>
  );
}

/** The signed-in user's access to gated models: grants, and requests waiting or decided. */
export function MyAccessPage() {
  const { t } = useTranslation("access");
  return (
    <section className="my-access">
      <h1>{t("mine.title")}</h1>
      <SettingsNav />
      <p className="muted">{t("mine.intro")}</p>
      <RequireSignIn>
        <MyAccessBody />
      </RequireSignIn>
    </section>
  );
}
