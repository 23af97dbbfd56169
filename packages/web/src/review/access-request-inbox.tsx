import { useId, useState, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api } from "../api/client.js";
import { ErrorMessage } from "../components/feedback.js";
import { FieldError } from "../components/field-error.js";
import { useFieldErrors } from "../components/use-field-errors.js";
import { useFormat } from "../i18n/format.js";
import { Answers } from "./answers.js";
import { GrantForm } from "./grant-form.js";
import { InboxSection } from "./inbox-section.js";
import { modelApiPath, modelPagePath } from "./model-path.js";
import type { AccessRequest, RequestInbox } from "./review-types.js";
import { useDecision } from "./use-decision.js";
import "./review.css";

/** One pending request: who asks for what, their answers, and the decision. */
function RequestItem({
  request,
  onDecided,
}: {
  readonly request: AccessRequest;
  readonly onDecided: (message: string) => void;
}) {
  const { t } = useTranslation("review");
  const format = useFormat();
  const formId = useId();
  const { errors, fieldProps, errorIdOf, check } = useFieldErrors<"reason">(formId);
  const [reason, setReason] = useState("");
  const { busy, error, decide: send } = useDecision(onDecided);
  const decide = (status: "accepted" | "rejected") =>
    send(async () => {
      await api(`${modelApiPath(request.model)}/user-access-request/handle`, {
        method: "POST",
        body: {
          user: request.grantee,
          status,
          ...(status === "rejected" ? { rejectionReason: reason.trim() } : {}),
        },
      });
      return t(status === "accepted" ? "requests.approved" : "requests.rejected", {
        who: request.grantee,
        model: request.model,
      });
    });
  const onReject = (event: SyntheticEvent) => {
    event.preventDefault();
    const found = reason.trim() === "" ? { reason: t("requests.reasonRequired") } : {};
    if (check(found, ["reason"])) {
      void decide("rejected");
    }
  };
  const titleId = `${formId}-title`;
  return (
    <article className="inbox-item" aria-labelledby={titleId} data-request={request.id}>
      <h3 id={titleId}>
        {t("requests.itemTitle", { who: request.grantee, model: request.model })}
      </h3>
      <p className="muted">
        {t("requests.asked", {
          when: format.dateTime(request.createdAt),
          requester: request.requester,
          version: request.version ?? t("requests.anyVersion"),
        })}
        <Link className="model-link" to={modelPagePath(request.model)}>
          {t("requests.openModel", { model: request.model })}
        </Link>
      </p>
      <Answers fields={request.fields} />
      <div className="decision">
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void decide("accepted")}
        >
          {t("requests.approve", { who: request.grantee })}
        </button>
        <form noValidate className="reject-form" onSubmit={onReject}>
          <div className="field">
            <label htmlFor={`${formId}-reason`}>{t("requests.reason")}</label>
            <input
              {...fieldProps("reason")}
              type="text"
              maxLength={200}
              value={reason}
              onChange={(e) => {
                setReason(e.target.value);
              }}
            />
            <FieldError id={errorIdOf("reason")} message={errors.reason} />
          </div>
          <button type="submit" className="danger" disabled={busy}>
            {t("requests.reject", { who: request.grantee })}
          </button>
        </form>
      </div>
      {error !== null ? <ErrorMessage error={error} /> : null}
    </article>
  );
}

/**
 * The pending access requests of every model the user manages, to approve or
 * reject with a reason, and a form to grant access without a request.
 */
export function AccessRequestInbox() {
  const { t } = useTranslation("review");
  return (
    <InboxSection<RequestInbox>
      path="/api/inbox/access-requests"
      titleId="requests-title"
      title={(count) =>
        count === null ? t("requests.title") : t("requests.titleCount", { count })
      }
      count={(inbox) => inbox.requests.length}
    >
      {({ requests, models }, done) => (
        <>
          {requests.length === 0 ? (
            <p className="muted">{t("requests.none")}</p>
          ) : (
            requests.map((r) => <RequestItem key={r.id} request={r} onDecided={done} />)
          )}
          <GrantForm models={models} onGranted={done} />
        </>
      )}
    </InboxSection>
  );
}
