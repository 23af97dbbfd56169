import { useId, useState, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api/client.js";
import { ErrorMessage } from "../components/feedback.js";
import { FieldError } from "../components/field-error.js";
import { useFieldErrors } from "../components/use-field-errors.js";
import { modelApiPath } from "./model-path.js";

type Field = "model" | "user" | "expires";

/** A duration as the hub reads it (docs/access.md): a number and m, h, d or w. */
const DURATION = /^[1-9]\d{0,5}[mhdw]$/;

/**
 * Grants a user or organisation access to a gated model without a request
 * (`POST …/user-access-request/grant`), for the gate's duration or one given.
 */
export function GrantForm({
  models,
  onGranted,
}: {
  readonly models: readonly string[];
  readonly onGranted: (message: string) => void;
}) {
  const { t } = useTranslation("review");
  const formId = useId();
  const { errors, fieldProps, errorIdOf, check } = useFieldErrors<Field>(formId);
  const [model, setModel] = useState(models.length === 1 ? (models[0] ?? "") : "");
  const [user, setUser] = useState("");
  const [expires, setExpires] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  if (models.length === 0) {
    return null;
  }
  const onSubmit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    if (model === "") {
      found.model = t("grant.modelRequired");
    }
    if (user.trim() === "") {
      found.user = t("grant.userRequired");
    }
    if (expires.trim() !== "" && !DURATION.test(expires.trim())) {
      found.expires = t("grant.expiresInvalid");
    }
    if (!check(found, ["model", "user", "expires"])) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api(`${modelApiPath(model)}/user-access-request/grant`, {
        method: "POST",
        body: {
          user: user.trim(),
          ...(expires.trim() === "" ? {} : { expiresIn: expires.trim() }),
        },
      });
      setUser("");
      setExpires("");
      onGranted(t("grant.granted", { who: user.trim(), model }));
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="grant-form" aria-labelledby={`${formId}-title`}>
      <h3 id={`${formId}-title`}>{t("grant.title")}</h3>
      <form noValidate onSubmit={(e) => void onSubmit(e)}>
        <div className="field">
          <label htmlFor={`${formId}-model`}>{t("grant.model")}</label>
          <select
            {...fieldProps("model")}
            value={model}
            onChange={(e) => {
              setModel(e.target.value);
            }}
          >
            <option value="">{t("grant.chooseModel")}</option>
            {models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
          <FieldError id={errorIdOf("model")} message={errors.model} />
        </div>
        <div className="field">
          <label htmlFor={`${formId}-user`}>{t("grant.user")}</label>
          <input
            {...fieldProps("user")}
            type="text"
            autoComplete="off"
            maxLength={96}
            value={user}
            onChange={(e) => {
              setUser(e.target.value);
            }}
          />
          <FieldError id={errorIdOf("user")} message={errors.user} />
        </div>
        <div className="field">
          <label htmlFor={`${formId}-expires`}>{t("grant.expires")}</label>
          <input
            {...fieldProps("expires")}
            type="text"
            maxLength={8}
            placeholder={t("grant.expiresPlaceholder")}
            value={expires}
            onChange={(e) => {
              setExpires(e.target.value);
            }}
          />
          <p className="muted hint">{t("grant.expiresHint")}</p>
          <FieldError id={errorIdOf("expires")} message={errors.expires} />
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {t("grant.submit")}
        </button>
      </form>
      {error !== null ? <ErrorMessage error={error} /> : null}
    </section>
  );
}
