import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api/client.js";
import { ErrorMessage } from "../components/feedback.js";
import type { GateForm } from "./access-types.js";
import { LicenceText } from "./licence-text.js";

const CHECKBOX_ID = "accept-licence-check";

/**
 * The step a grant holder takes before downloading a version whose licence
 * text they have not accepted yet (a newer version's, or one granted without
 * a request): read it, tick the box, accept.
 */
export function AcceptLicence({
  apiBase,
  version,
  licence,
  onAccepted,
}: {
  readonly apiBase: string;
  readonly version: string;
  readonly licence: GateForm["licence"];
  readonly onAccepted: () => void;
}) {
  const { t } = useTranslation("access");
  const [checked, setChecked] = useState(false);
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (!checked) {
      setMissing(true);
      document.getElementById(CHECKBOX_ID)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    api(`/api/models/${apiBase}/access/accept`, {
      method: "POST",
      body: { revision: version },
    }).then(
      () => {
        setBusy(false);
        onAccepted();
      },
      (err: unknown) => {
        setBusy(false);
        setError(err instanceof Error ? err : new Error(String(err)));
      },
    );
  };
  return (
    <section className="accept-step" aria-labelledby="accept-step-title">
      <h3 id="accept-step-title">{t("accept.title")}</h3>
      <p>{t("accept.why", { version, id: licence.id })}</p>
      <form onSubmit={submit} noValidate>
        <LicenceText id="accept-licence" licence={licence} />
        <div className="field gate-checkbox">
          <div className="checkbox-row">
            <input
              id={CHECKBOX_ID}
              type="checkbox"
              checked={checked}
              aria-invalid={missing && !checked}
              aria-describedby={missing && !checked ? `${CHECKBOX_ID}-error` : undefined}
              onChange={(event) => {
                setChecked(event.target.checked);
              }}
            />
            <label htmlFor={CHECKBOX_ID}>{t("form.acceptLicence", { id: licence.id })}</label>
          </div>
          {missing && !checked ? (
            <p className="field-error" id={`${CHECKBOX_ID}-error`} role="alert">
              {t("form.problem.licence")}
            </p>
          ) : null}
        </div>
        {error !== null ? <ErrorMessage error={error} /> : null}
        <button type="submit" className="primary" disabled={busy}>
          {t("accept.submit")}
        </button>
      </form>
    </section>
  );
}
