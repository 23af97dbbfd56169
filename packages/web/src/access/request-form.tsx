import { useRef, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api/client.js";
import { ErrorMessage } from "../components/feedback.js";
import type { AccessRequest, GateForm } from "./access-types.js";
import { answersToSend, fieldProblem, type Draft, type Problem } from "./check-answers.js";
import { countryName } from "./country-names.js";
import { GateFieldInput } from "./gate-field-input.js";
import { LicenceText } from "./licence-text.js";

const LICENCE_ID = "gate-licence-accept";
const fieldId = (index: number): string => `gate-field-${index}`;

/**
 * The access form of a gated version, from its gate: every question, the
 * licence to accept, checked before it is sent (each problem named by its
 * question), then sent to the hub, whose refusal is shown in its own words.
 */
export function RequestForm({
  apiBase,
  form,
  onSubmitted,
}: {
  readonly apiBase: string;
  readonly form: GateForm;
  readonly onSubmitted: (request: AccessRequest) => void;
}) {
  const { t, i18n } = useTranslation("access");
  const [draft, setDraft] = useState<Draft>({});
  const [accepted, setAccepted] = useState(false);
  const [problems, setProblems] = useState<ReadonlyMap<string, Problem> | null>(null);
  const [refusal, setRefusal] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const blocked = new Set(form.blockedCountries);
  const fields = form.fields
    .map((field, index) => ({ field, id: fieldId(index) }))
    .filter(({ field }) => field.type !== "ip_location");
  const needsLicence = form.licence.acceptanceRequired;

  const check = (nextDraft: Draft, nextAccepted: boolean): Map<string, Problem> => {
    const found = new Map<string, Problem>();
    for (const { field, id } of fields) {
      const problem = fieldProblem(field, nextDraft[field.label], blocked);
      if (problem !== null) {
        found.set(id, problem);
      }
    }
    if (needsLicence && !nextAccepted) {
      found.set(LICENCE_ID, { key: "form.problem.licence" });
    }
    return found;
  };
  const say = (problem: Problem): string => {
    const values = { ...problem.values };
    if (problem.key === "form.problem.blocked" && typeof values.code === "string") {
      values.country = countryName(values.code, i18n.resolvedLanguage ?? "en");
    }
    return t(problem.key, values);
  };
  // Once the user tried to send, each change re-checks, so a fixed field loses its error at once.
  const update = (nextDraft: Draft, nextAccepted: boolean) => {
    setDraft(nextDraft);
    setAccepted(nextAccepted);
    if (problems !== null) {
      setProblems(check(nextDraft, nextAccepted));
    }
  };

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const found = check(draft, accepted);
    setProblems(found);
    setRefusal(null);
    const [first] = found.keys();
    if (first !== undefined) {
      formRef.current?.querySelector<HTMLElement>(`#${first}`)?.focus();
      return;
    }
    setBusy(true);
    api<AccessRequest>(`/api/models/${apiBase}/access/requests`, {
      method: "POST",
      body: {
        answers: answersToSend(form.fields, draft),
        acceptLicence: accepted,
        revision: form.version,
      },
    }).then(
      (request) => {
        setBusy(false);
        onSubmitted(request);
      },
      (err: unknown) => {
        setBusy(false);
        setRefusal(err instanceof Error ? err : new Error(String(err)));
      },
    );
  };

  const errorOf = (id: string): string | null => {
    const problem = problems?.get(id);
    return problem === undefined ? null : say(problem);
  };
  // The hub names the question it refused first ("Country: …"); that question is marked too.
  const refusedId =
    refusal === null
      ? null
      : (fields.find(({ field }) => refusal.message.startsWith(`${field.label}: `))?.id ?? null);
  const problemList = problems === null ? [] : [...problems];
  return (
    <form ref={formRef} className="request-form" onSubmit={submit} noValidate>
      {problemList.length > 0 ? (
        <div className="error" role="alert">
          <p>{t("form.problems", { count: problemList.length })}</p>
          <ul>
            {problemList.map(([id, problem]) => (
              <li key={id}>
                <a href={`#${id}`}>
                  {id === LICENCE_ID
                    ? t("form.licenceField")
                    : (() => {
                        const field = fields.find((f) => f.id === id)?.field;
                        return field?.number === true
                          ? t("form.monthlyActiveUsers")
                          : (field?.label ?? id);
                      })()}
                </a>
                {t("form.problemSeparator")}
                {say(problem)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <fieldset>
        <legend>{t("form.questions")}</legend>
        <p className="muted">{t("form.allRequired")}</p>
        {fields.map(({ field, id }) => (
          <GateFieldInput
            key={id}
            id={id}
            field={field}
            value={draft[field.label]}
            error={errorOf(id) ?? (refusedId === id ? t("form.refusedHere") : null)}
            onChange={(value) => {
              update({ ...draft, [field.label]: value }, accepted);
            }}
          />
        ))}
      </fieldset>
      {needsLicence ? (
        <>
          <LicenceText id="gate-licence" licence={form.licence} />
          <div className="field gate-checkbox">
            <div className="checkbox-row">
              <input
                id={LICENCE_ID}
                type="checkbox"
                checked={accepted}
                aria-invalid={errorOf(LICENCE_ID) !== null}
                aria-describedby={errorOf(LICENCE_ID) !== null ? `${LICENCE_ID}-error` : undefined}
                onChange={(event) => {
                  update(draft, event.target.checked);
                }}
              />
              <label htmlFor={LICENCE_ID}>{t("form.acceptLicence", { id: form.licence.id })}</label>
            </div>
            {errorOf(LICENCE_ID) !== null ? (
              <p className="field-error" id={`${LICENCE_ID}-error`}>
                {errorOf(LICENCE_ID)}
              </p>
            ) : null}
          </div>
        </>
      ) : null}
      {refusal !== null ? <ErrorMessage error={refusal} /> : null}
      <p className="muted">
        {t("form.howDecided", {
          approval: t(`form.approval.${form.approval}`),
          duration:
            form.grantDays === null
              ? t("form.grantUntilRevoked")
              : t("form.grantDays", { count: form.grantDays }),
        })}
      </p>
      <button type="submit" className="primary" disabled={busy}>
        {form.buttonContent ?? t("form.submit")}
      </button>
    </form>
  );
}
