import type { ReactNode } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import { useSession } from "../api/session.js";
import { useApi } from "../api/use-api.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useFormat } from "../i18n/format.js";
import { useModel } from "../model/model-context.js";
import { AcceptLicence } from "./accept-licence.js";
import type { AccessGrant, GateForm, MyModelAccess } from "./access-types.js";
import { RequestForm } from "./request-form.js";
import "./access.css";

/** How long a grant lasts, and through whom, in one sentence. */
function GrantLine({ grant }: { readonly grant: AccessGrant }) {
  const { t } = useTranslation("access");
  const format = useFormat();
  const until =
    grant.expiresAt === null
      ? t("standing.untilRevoked")
      : t("standing.until", { date: format.dateTime(grant.expiresAt) });
  return (
    <p>
      {grant.granteeKind === "org"
        ? t("standing.grantedOrg", {
            org: grant.grantee,
            date: format.dateTime(grant.grantedAt),
            until,
          })
        : t("standing.granted", { date: format.dateTime(grant.grantedAt), until })}
    </p>
  );
}

/**
 * Where the signed-in user stands with the gated version, and the next step
 * open to them: the form, a request waiting, a refusal (and when they may
 * ask again), or a grant, with the licence to accept before downloading.
 */
function Standing({
  mine,
  form,
  reload,
}: {
  readonly mine: MyModelAccess;
  readonly form: GateForm;
  readonly reload: () => void;
}) {
  const { t } = useTranslation("access");
  const format = useFormat();
  const { namespace, name, apiBase } = useModel();
  const { request, grant, licence, canDownload } = mine;
  const filesLink = (
    <Link to={`/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/files`} />
  );
  const status = (kind: string, body: ReactNode) => (
    <section className={`standing standing-${kind}`} aria-labelledby="standing-title">
      <h3 id="standing-title">{t("standing.title")}</h3>
      {body}
    </section>
  );
  const askForm = <RequestForm apiBase={apiBase} form={form} onSubmitted={reload} />;

  if (grant?.status === "live") {
    const mustAccept = licence.acceptanceRequired && !licence.accepted;
    return (
      <>
        {status(
          "granted",
          <>
            <p className="standing-label">
              <span className="badge access-granted">{t("status.granted")}</span>
            </p>
            <GrantLine grant={grant} />
            {canDownload ? (
              <p>
                <Trans
                  t={t}
                  i18nKey="standing.mayDownload"
                  values={{ version: mine.version }}
                  components={{ files: filesLink }}
                />
              </p>
            ) : mustAccept ? (
              <p>{t("standing.acceptFirst", { version: mine.version })}</p>
            ) : null}
          </>,
        )}
        {mustAccept ? (
          <AcceptLicence
            apiBase={apiBase}
            version={mine.version}
            licence={form.licence}
            onAccepted={reload}
          />
        ) : null}
      </>
    );
  }
  if (canDownload) {
    return status(
      "granted",
      <p>
        <Trans t={t} i18nKey="standing.mayDownloadAlready" components={{ files: filesLink }} />
      </p>,
    );
  }
  if (request?.status === "pending") {
    return status(
      "pending",
      <>
        <p className="standing-label">
          <span className="badge access-pending">{t("status.pending")}</span>
        </p>
        <p>
          {t("standing.pending", {
            date: format.dateTime(request.createdAt),
            version: request.version ?? mine.version,
          })}
        </p>
      </>,
    );
  }
  if (request?.status === "rejected") {
    const mayAskAgain = request.reapplyAt !== null && Date.parse(request.reapplyAt) <= Date.now();
    return (
      <>
        {status(
          "rejected",
          <>
            <p className="standing-label">
              <span className="badge access-rejected">{t("status.rejected")}</span>
            </p>
            <p>
              {t("standing.rejected", {
                date: format.dateTime(request.decidedAt ?? request.createdAt),
              })}
            </p>
            {request.rejectionReason !== null ? (
              <p>{t("standing.reason", { reason: request.rejectionReason })}</p>
            ) : null}
            <p>
              {request.reapplyAt === null
                ? t("standing.final")
                : mayAskAgain
                  ? t("standing.askAgainNow")
                  : t("standing.askAgainAfter", { date: format.dateTime(request.reapplyAt) })}
            </p>
          </>,
        )}
        {mayAskAgain ? askForm : null}
      </>
    );
  }
  return (
    <>
      {grant !== null
        ? status(
            grant.status,
            <p>
              {grant.status === "expired"
                ? t("standing.expired", { date: format.dateTime(grant.expiresAt) })
                : t("standing.revoked", { date: format.dateTime(grant.revokedAt) })}
            </p>,
          )
        : null}
      {askForm}
    </>
  );
}

/**
 * The model page's tab for asking for access to a gated model: the form the
 * gate sets up for signed-in users, where they stand once they asked, and a
 * way to sign in for anyone else.
 */
export function RequestAccessTab() {
  const { t } = useTranslation("access");
  const { user } = useSession();
  const location = useLocation();
  const { apiBase } = useModel();
  const [form] = useApi<GateForm>(`/api/models/${apiBase}/access/form`);
  const [mine, reloadMine] = useApi<MyModelAccess>(
    user ? `/api/models/${apiBase}/access/mine` : null,
  );
  if (form.state === "loading" || user === undefined) {
    return <Loading />;
  }
  if (form.state === "failed") {
    return <ErrorMessage error={form.error} />;
  }
  const gate = form.body;
  return (
    <section className="request-access" aria-labelledby="request-access-title">
      <h2 id="request-access-title">{gate.heading ?? t("title")}</h2>
      <p className="muted">{t("forVersion", { version: gate.version })}</p>
      {gate.prompt !== null ? <p className="gate-prompt">{gate.prompt}</p> : null}
      {gate.description !== null ? <p>{gate.description}</p> : null}
      {user === null ? (
        <p className="notice">
          <Trans
            t={t}
            i18nKey="signInFirst"
            components={{
              signIn: <Link to={`/login?next=${encodeURIComponent(location.pathname)}`} />,
            }}
          />
        </p>
      ) : mine.state === "loading" ? (
        <Loading />
      ) : mine.state === "failed" ? (
        <ErrorMessage error={mine.error} />
      ) : (
        <Standing mine={mine.body} form={gate} reload={reloadMine} />
      )}
    </section>
  );
}
