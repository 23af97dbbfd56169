import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api/client.js";
import { ErrorMessage } from "../components/feedback.js";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, newPasswordProblem } from "./password-rules.js";
import { RequireSignIn } from "./require-sign-in.js";
import { SettingsNav } from "./settings-nav.js";
import "./settings.css";

type Field = "current" | "new" | "repeat";
const FIELDS: readonly Field[] = ["current", "new", "repeat"];
const AUTOCOMPLETE: Record<Field, string> = {
  current: "current-password",
  new: "new-password",
  repeat: "new-password",
};

function PasswordForm() {
  const { t } = useTranslation("settings");
  const [values, setValues] = useState<Record<Field, string>>({ current: "", new: "", repeat: "" });
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState(false);

  const problems = new Map<Field, string>();
  if (values.current === "") {
    problems.set("current", t("password.problem.currentMissing"));
  }
  const newProblem = newPasswordProblem(values.new);
  if (newProblem !== null) {
    problems.set("new", t(newProblem, { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH }));
  }
  if (values.repeat !== values.new) {
    problems.set("repeat", t("password.problem.mismatch"));
  }
  const shown = (field: Field): string | null => (tried ? (problems.get(field) ?? null) : null);

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    setTried(true);
    setError(null);
    setDone(false);
    const [first] = problems.keys();
    if (first !== undefined) {
      document.getElementById(`password-${first}`)?.focus();
      return;
    }
    setBusy(true);
    api("/api/user/password", {
      method: "PUT",
      body: { currentPassword: values.current, newPassword: values.new },
    }).then(
      () => {
        setBusy(false);
        setTried(false);
        setValues({ current: "", new: "", repeat: "" });
        setDone(true);
      },
      (err: unknown) => {
        setBusy(false);
        setError(err instanceof Error ? err : new Error(String(err)));
      },
    );
  };

  return (
    <form className="password-form narrow" onSubmit={submit} noValidate>
      <div className="notice" id="password-rules">
        <p>{t("password.rulesTitle")}</p>
        <ul>
          <li>{t("password.ruleMin", { min: PASSWORD_MIN_LENGTH })}</li>
          <li>{t("password.ruleMax", { max: PASSWORD_MAX_LENGTH })}</li>
          <li>{t("password.ruleSpaces")}</li>
        </ul>
        <p className="muted">{t("password.ruleAdvice")}</p>
      </div>
      {tried && problems.size > 0 ? (
        <p className="field-error" role="alert">
          {t("password.problem.summary", { count: problems.size })}
        </p>
      ) : null}
      {FIELDS.map((field) => {
        const id = `password-${field}`;
        const problem = shown(field);
        const describedBy =
          [field === "new" ? "password-rules" : null, problem !== null ? `${id}-error` : null]
            .filter((x) => x !== null)
            .join(" ") || undefined;
        return (
          <div className="field" key={field}>
            <label htmlFor={id}>{t(`password.${field}`)}</label>
            <input
              id={id}
              type="password"
              autoComplete={AUTOCOMPLETE[field]}
              value={values[field]}
              aria-required
              aria-invalid={problem !== null}
              aria-describedby={describedBy}
              onChange={(event) => {
                setDone(false);
                setValues({ ...values, [field]: event.target.value });
              }}
            />
            {problem !== null ? (
              <p className="field-error" id={`${id}-error`}>
                {problem}
              </p>
            ) : null}
          </div>
        );
      })}
      {error !== null ? <ErrorMessage error={error} /> : null}
      <p role="status" className={done ? "success" : undefined}>
        {done ? t("password.changed") : null}
      </p>
      <button type="submit" className="primary" disabled={busy}>
        {t("password.submit")}
      </button>
    </form>
  );
}

/** Changing one's own password: the current one, the new one twice, the rules shown first. */
export function PasswordPage() {
  const { t } = useTranslation("settings");
  return (
    <section className="settings-page">
      <h1>{t("password.title")}</h1>
      <SettingsNav />
      <p className="muted">{t("password.intro")}</p>
      <RequireSignIn>
        <PasswordForm />
      </RequireSignIn>
    </section>
  );
}
