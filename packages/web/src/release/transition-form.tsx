import { useId, useState, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, seg } from "../api/client.js";
import { ErrorMessage } from "../components/feedback.js";
import { FieldError } from "../components/field-error.js";
import { useFieldErrors } from "../components/use-field-errors.js";
import { PolicyRules } from "./policy-rules.js";
import { ReasonField } from "./reason-field.js";
import {
  LADDER,
  type PolicyCheck,
  type PolicyDecision,
  type RefusedRule,
  type Transition,
} from "./release-types.js";

type Field = "to" | "reason" | "at";

/** What the last request came to, for the message under the form. */
type Outcome =
  | { readonly kind: "done" | "pending"; readonly transition: Transition }
  | {
      readonly kind: "refused";
      readonly to: string;
      readonly decision: PolicyDecision;
    }
  | { readonly kind: "check"; readonly to: string; readonly decision: PolicyDecision }
  | { readonly kind: "error"; readonly error: Error };

/** A refusal's failed rules as a decision, when the full check cannot be had. */
function decisionOfRefusal(error: ApiError): PolicyDecision {
  const failed = (error.details?.failed ?? []) as readonly RefusedRule[];
  return {
    outcome: "refuse",
    policyHash: typeof error.details?.policyHash === "string" ? error.details.policyHash : "",
    results: failed.map((r) => ({
      id: r.id,
      description: "",
      applies: true,
      passed: false,
      message: r.message,
      expression: r.expression,
      awaits: null,
      overridden: false,
      findings: r.findings,
    })),
  };
}

/**
 * Asks for a version to move to another stage now, or at a later time (an
 * embargo): the hub's policy decides a move up, and a refusal is shown rule by
 * rule. "Check" asks the policy without changing anything.
 */
export function TransitionForm({
  apiBase,
  version,
  stage,
  pending,
  onChanged,
}: {
  readonly apiBase: string;
  readonly version: string;
  readonly stage: string;
  /** Whether a change is pending: then only a move down (which cancels it) can be asked for. */
  readonly pending: boolean;
  readonly onChanged: () => void;
}) {
  const { t } = useTranslation("release");
  const formId = useId();
  const fields = useFieldErrors<Field>(formId);
  const { errors, fieldProps, errorIdOf, check } = fields;
  const targets = LADDER.filter((s) => s !== stage);
  const [to, setTo] = useState<string>("");
  const [reason, setReason] = useState("");
  const [scheduled, setScheduled] = useState(false);
  const [at, setAt] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const versionPath = `/api/models/${apiBase}/versions/${seg(version)}`;

  const policyCheck = (target: string) =>
    api<PolicyCheck>(`${versionPath}/policy-check?to=${encodeURIComponent(target)}`);

  const validate = (forSubmit: boolean): boolean => {
    const found: Partial<Record<Field, string>> = {};
    if (to === "") {
      found.to = t("form.toRequired");
    }
    if (forSubmit && reason.trim() === "") {
      found.reason = t("form.reasonRequired");
    }
    if (forSubmit && scheduled) {
      const time = new Date(at);
      if (at === "" || Number.isNaN(time.getTime())) {
        found.at = t("form.atRequired");
      } else if (time.getTime() <= Date.now()) {
        found.at = t("form.atPast");
      }
    }
    return check(found, ["to", "reason", "at"]);
  };

  const onCheck = async () => {
    if (!validate(false)) {
      return;
    }
    setBusy(true);
    try {
      const answer = await policyCheck(to);
      setOutcome({ kind: "check", to, decision: answer.decision });
    } catch (error) {
      setOutcome({
        kind: "error",
        error: error instanceof Error ? error : new Error(String(error)),
      });
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = async (event: SyntheticEvent) => {
    event.preventDefault();
    if (!validate(true)) {
      return;
    }
    setBusy(true);
    try {
      const transition = await api<Transition>(`${versionPath}/transitions`, {
        method: "POST",
        body: {
          to,
          reason: reason.trim(),
          ...(scheduled ? { at: new Date(at).toISOString() } : {}),
        },
      });
      setOutcome({ kind: transition.status === "done" ? "done" : "pending", transition });
      setTo("");
      setReason("");
      setAt("");
      setScheduled(false);
      onChanged();
    } catch (error) {
      if (error instanceof ApiError && error.code === "POLICY_DENIED") {
        // The refusal names the failed rules; the check shows every rule beside them.
        const decision = await policyCheck(to).then(
          (answer) => answer.decision,
          () => decisionOfRefusal(error),
        );
        setOutcome({ kind: "refused", to, decision });
        onChanged();
      } else {
        setOutcome({
          kind: "error",
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
    } finally {
      setBusy(false);
    }
  };

  const stageName = (s: string) => t(`common:stage.${s}`, { defaultValue: s });
  return (
    <section className="release-form" aria-labelledby={`${formId}-title`}>
      <h3 id={`${formId}-title`}>{t("form.title")}</h3>
      {pending ? <p className="muted">{t("form.whilePending")}</p> : null}
      <form noValidate onSubmit={(e) => void onSubmit(e)}>
        <div className="field">
          <label htmlFor={`${formId}-to`}>{t("form.to")}</label>
          <select
            {...fieldProps("to")}
            value={to}
            onChange={(e) => {
              setTo(e.target.value);
              setOutcome(null);
            }}
          >
            <option value="">{t("form.choose")}</option>
            {targets.map((s) => (
              <option key={s} value={s}>
                {stageName(s)}
              </option>
            ))}
          </select>
          <FieldError id={errorIdOf("to")} message={errors.to} />
        </div>
        <ReasonField label={t("form.reason")} value={reason} onChange={setReason} fields={fields} />
        <div className="field checkbox-field">
          <label>
            <input
              type="checkbox"
              checked={scheduled}
              onChange={(e) => {
                setScheduled(e.target.checked);
              }}
            />
            <span>{t("form.schedule")}</span>
          </label>
        </div>
        {scheduled ? (
          <div className="field">
            <label htmlFor={`${formId}-at`}>{t("form.at")}</label>
            <input
              {...fieldProps("at")}
              type="datetime-local"
              value={at}
              onChange={(e) => {
                setAt(e.target.value);
              }}
            />
            <p className="muted hint">{t("form.atHint")}</p>
            <FieldError id={errorIdOf("at")} message={errors.at} />
          </div>
        ) : null}
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => void onCheck()}>
            {t("form.check")}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {scheduled ? t("form.submitScheduled") : t("form.submit")}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {outcome?.kind === "done" ? (
          <p className="notice success" role="status">
            {t("form.done", { version, stage: stageName(outcome.transition.to) })}
          </p>
        ) : null}
        {outcome?.kind === "pending" ? (
          <p className="notice" role="status">
            {outcome.transition.at === null
              ? t("form.pending", { stage: stageName(outcome.transition.to) })
              : t("form.scheduled", { stage: stageName(outcome.transition.to) })}
          </p>
        ) : null}
      </div>
      {outcome?.kind === "refused" ? (
        <div className="refusal" role="alert">
          <p className="refusal-title">{t("form.refused", { stage: stageName(outcome.to) })}</p>
          <PolicyRules decision={outcome.decision} caption={t("form.refusedRules")} />
        </div>
      ) : null}
      {outcome?.kind === "check" ? (
        <div className="policy-preview">
          <PolicyRules
            decision={outcome.decision}
            caption={t("form.checkCaption", { stage: stageName(outcome.to) })}
          />
        </div>
      ) : null}
      {outcome?.kind === "error" ? <ErrorMessage error={outcome.error} /> : null}
    </section>
  );
}
