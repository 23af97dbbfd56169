import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api/client.js";
import { ErrorMessage } from "../components/feedback.js";
import type { CreatedToken, Scope } from "./settings-types.js";

/** The lifetimes offered, as the hub's durations; "never" sends none. */
const EXPIRIES = ["7d", "30d", "90d", "365d", "never"] as const;
type Expiry = (typeof EXPIRIES)[number];

const MODEL_ID = /^[^/\s]+\/[^/\s]+$/;

type Field = "name" | "model";

/**
 * Creates an API token: its name, what it may do (administration only for
 * administrators), how long it lasts, and optionally the one model it may
 * act on. Checked before it is sent; the hub's refusal is shown as it says it.
 */
export function TokenCreateForm({
  isAdmin,
  onCreated,
}: {
  readonly isAdmin: boolean;
  readonly onCreated: (token: CreatedToken) => void;
}) {
  const { t } = useTranslation("settings");
  const [name, setName] = useState("");
  const [scope, setScope] = useState<Scope>("read");
  const [expiry, setExpiry] = useState<Expiry>("30d");
  const [model, setModel] = useState("");
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const scopes: readonly Scope[] = isAdmin ? ["read", "write", "admin"] : ["read", "write"];

  const problems = new Map<Field, string>();
  if (name.trim() === "") {
    problems.set("name", t("tokens.problem.name"));
  } else if (name.trim().length > 100) {
    problems.set("name", t("tokens.problem.nameLength", { max: 100 }));
  }
  if (model.trim() !== "" && !MODEL_ID.test(model.trim())) {
    problems.set("model", t("tokens.problem.model"));
  }
  const shown = (field: Field): string | null => (tried ? (problems.get(field) ?? null) : null);

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    setTried(true);
    setError(null);
    const [first] = problems.keys();
    if (first !== undefined) {
      document.getElementById(`token-${first}`)?.focus();
      return;
    }
    setBusy(true);
    api<CreatedToken>("/api/tokens", {
      method: "POST",
      body: {
        name: name.trim(),
        scopes: [scope],
        ...(expiry === "never" ? {} : { expiresIn: expiry }),
        ...(model.trim() === "" ? {} : { model: model.trim() }),
      },
    }).then(
      (created) => {
        setBusy(false);
        setTried(false);
        setName("");
        setModel("");
        onCreated(created);
      },
      (err: unknown) => {
        setBusy(false);
        setError(err instanceof Error ? err : new Error(String(err)));
      },
    );
  };

  const describedBy = (field: Field, hint?: string): string | undefined =>
    [hint, shown(field) !== null ? `token-${field}-error` : undefined]
      .filter((id) => id !== undefined)
      .join(" ") || undefined;

  return (
    <form className="token-form" onSubmit={submit} noValidate aria-labelledby="token-create-title">
      <h2 id="token-create-title">{t("tokens.create")}</h2>
      {tried && problems.size > 0 ? (
        <p className="field-error" role="alert">
          {t("tokens.problem.summary", { count: problems.size })}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="token-name">{t("tokens.name")}</label>
        <input
          id="token-name"
          value={name}
          maxLength={100}
          autoComplete="off"
          aria-required
          aria-invalid={shown("name") !== null}
          aria-describedby={describedBy("name", "token-name-hint")}
          onChange={(event) => {
            setName(event.target.value);
          }}
        />
        <p className="muted hint" id="token-name-hint">
          {t("tokens.nameHint")}
        </p>
        {shown("name") !== null ? (
          <p className="field-error" id="token-name-error">
            {shown("name")}
          </p>
        ) : null}
      </div>
      <fieldset className="scope-choice">
        <legend>{t("tokens.scope")}</legend>
        {scopes.map((s) => (
          <div className="radio-row" key={s}>
            <input
              type="radio"
              id={`token-scope-${s}`}
              name="scope"
              value={s}
              checked={scope === s}
              aria-describedby={`token-scope-${s}-hint`}
              onChange={() => {
                setScope(s);
              }}
            />
            <label htmlFor={`token-scope-${s}`}>{t(`tokens.scopes.${s}`)}</label>
            <span className="muted hint" id={`token-scope-${s}-hint`}>
              {t(`tokens.scopeHints.${s}`)}
            </span>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="token-expiry">{t("tokens.expiry")}</label>
        <select
          id="token-expiry"
          value={expiry}
          onChange={(event) => {
            const chosen = EXPIRIES.find((e) => e === event.target.value);
            if (chosen !== undefined) {
              setExpiry(chosen);
            }
          }}
        >
          {EXPIRIES.map((e) => (
            <option key={e} value={e}>
              {e === "never"
                ? t("tokens.expiresNever")
                : t("tokens.expiresIn", { count: Number.parseInt(e, 10) })}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="token-model">{t("tokens.model")}</label>
        <input
          id="token-model"
          value={model}
          autoComplete="off"
          placeholder={t("tokens.modelPlaceholder")}
          aria-invalid={shown("model") !== null}
          aria-describedby={describedBy("model", "token-model-hint")}
          onChange={(event) => {
            setModel(event.target.value);
          }}
        />
        <p className="muted hint" id="token-model-hint">
          {t("tokens.modelHint")}
        </p>
        {shown("model") !== null ? (
          <p className="field-error" id="token-model-error">
            {shown("model")}
          </p>
        ) : null}
      </div>
      {error !== null ? <ErrorMessage error={error} /> : null}
      <button type="submit" className="primary" disabled={busy}>
        {t("tokens.submit")}
      </button>
    </form>
  );
}
