import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api } from "../api/client.js";
import { ErrorMessage } from "../components/feedback.js";
import { FieldError } from "../components/field-error.js";
import { useFieldErrors } from "../components/use-field-errors.js";
import { useFormat } from "../i18n/format.js";
import { EvidenceList } from "../release/evidence-list.js";
import { PolicyRules } from "../release/policy-rules.js";
import type { PendingChange, Transition } from "../release/release-types.js";
import { SignoffStatus } from "../release/signoff-status.js";
import { InboxSection } from "./inbox-section.js";
import { modelApiBase, modelApiPath, modelPagePath } from "./model-path.js";
import { useDecision } from "./use-decision.js";
import "./review.css";

/** One change awaiting the user's sign-off: what it is, the policy, the evidence, and the verdict. */
function SignoffItem({
  change,
  onSigned,
}: {
  readonly change: PendingChange;
  readonly onSigned: (message: string) => void;
}) {
  const { t } = useTranslation("review");
  const format = useFormat();
  const formId = useId();
  const { errors, fieldProps, errorIdOf, check } = useFieldErrors<"comment">(formId);
  const [comment, setComment] = useState("");
  const { busy, error, decide } = useDecision(onSigned);
  const move = change.transition;
  const id = `${change.model}@${change.version}`;
  const stageName = (s: string) => t(`common:stage.${s}`, { defaultValue: s });
  const sign = async (verdict: "approve" | "reject") => {
    const found =
      verdict === "reject" && comment.trim() === ""
        ? { comment: t("signoffs.commentRequired") }
        : {};
    if (!check(found, ["comment"])) {
      return;
    }
    await decide(async () => {
      const after = await api<Transition>(
        `${modelApiPath(change.model)}/versions/${encodeURIComponent(change.version)}/signoffs`,
        { method: "POST", body: { verdict, comment: comment.trim() } },
      );
      return after.status === "done"
        ? t("signoffs.doneNow", { id, stage: stageName(after.to) })
        : t(verdict === "approve" ? "signoffs.approved" : "signoffs.rejected", { id });
    });
  };
  const titleId = `${formId}-title`;
  return (
    <article className="inbox-item" aria-labelledby={titleId} data-transition={move.id}>
      <h3 id={titleId}>
        {t("signoffs.itemTitle", { id, from: stageName(move.from), to: stageName(move.to) })}
      </h3>
      <p className="muted">
        {t("signoffs.asked", {
          who: move.requestedBy ?? "—",
          when: format.dateTime(move.requestedAt),
        })}
        <Link className="model-link" to={modelPagePath(change.model)}>
          {t("signoffs.openModel", { model: change.model })}
        </Link>
      </p>
      <p>{t("signoffs.reason", { reason: move.reason })}</p>
      {move.at !== null ? (
        <p className="muted">{t("signoffs.embargo", { when: format.dateTime(move.at) })}</p>
      ) : null}
      <h4>{t("signoffs.policy")}</h4>
      <PolicyRules decision={change.decision} caption={t("signoffs.policyCaption", { id })} />
      <h4>{t("signoffs.evidence")}</h4>
      <EvidenceList
        apiBase={modelApiBase(change.model)}
        version={change.version}
        caption={t("signoffs.evidenceCaption", { id })}
      />
      <h4>{t("signoffs.signed")}</h4>
      <SignoffStatus change={change} caption={t("signoffs.signedCaption", { id })} />
      <form
        noValidate
        className="signoff-form"
        onSubmit={(e) => {
          e.preventDefault();
          void sign("approve");
        }}
      >
        <div className="field">
          <label htmlFor={`${formId}-comment`}>{t("signoffs.comment")}</label>
          <textarea
            {...fieldProps("comment")}
            rows={2}
            maxLength={4000}
            value={comment}
            onChange={(e) => {
              setComment(e.target.value);
            }}
          />
          <FieldError id={errorIdOf("comment")} message={errors.comment} />
        </div>
        <div className="decision">
          <button type="submit" className="primary" disabled={busy}>
            {t("signoffs.approve", { id })}
          </button>
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => void sign("reject")}
          >
            {t("signoffs.reject", { id })}
          </button>
        </div>
      </form>
      {error !== null ? <ErrorMessage error={error} /> : null}
    </article>
  );
}

/** The pending stage changes that wait for the user's sign-off, on every model they review. */
export function SignoffInbox() {
  const { t } = useTranslation("review");
  return (
    <InboxSection<PendingChange[]>
      path="/api/inbox/signoffs"
      titleId="signoffs-title"
      title={(count) =>
        count === null ? t("signoffs.title") : t("signoffs.titleCount", { count })
      }
      count={(changes) => changes.length}
    >
      {(changes, done) =>
        changes.length === 0 ? (
          <p className="muted">{t("signoffs.none")}</p>
        ) : (
          changes.map((c) => <SignoffItem key={c.transition.id} change={c} onSigned={done} />)
        )
      }
    </InboxSection>
  );
}
