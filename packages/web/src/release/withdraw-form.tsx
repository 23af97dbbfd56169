import { useId, useState, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, seg } from "../api/client.js";
import { ErrorMessage } from "../components/feedback.js";
import { FieldError } from "../components/field-error.js";
import { useAction } from "../components/use-action.js";
import { useFieldErrors } from "../components/use-field-errors.js";
import { ReasonField } from "./reason-field.js";
import type { Transition } from "./release-types.js";

type Field = "reason" | "confirm";

/**
 * Withdraws a version: every download stops at once and its page becomes a
 * tombstone showing the reason, so both are asked for before it goes.
 */
export function WithdrawForm({
  apiBase,
  version,
  onChanged,
}: {
  readonly apiBase: string;
  readonly version: string;
  readonly onChanged: () => void;
}) {
  const { t } = useTranslation("release");
  const formId = useId();
  const fields = useFieldErrors<Field>(formId);
  const { errors, fieldProps, errorIdOf, check } = fields;
  const [reason, setReason] = useState("");
  const [confirmed, setConfirmed] = useState(false);
  const action = useAction();

  const onSubmit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    if (reason.trim() === "") {
      found.reason = t("withdraw.reasonRequired");
    }
    if (!confirmed) {
      found.confirm = t("withdraw.confirmRequired");
    }
    if (!check(found, ["reason", "confirm"])) {
      return;
    }
    const withdrawn = await action.run(() =>
      api<Transition>(`/api/models/${apiBase}/versions/${seg(version)}/transitions`, {
        method: "POST",
        body: { to: "withdrawn", reason: reason.trim() },
      }),
    );
    if (withdrawn) {
      onChanged();
    }
  };

  return (
    <section className="release-form withdraw" aria-labelledby={`${formId}-title`}>
      <h3 id={`${formId}-title`}>{t("withdraw.title")}</h3>
      <p className="muted">{t("withdraw.explain")}</p>
      <form noValidate onSubmit={(e) => void onSubmit(e)}>
        <ReasonField
          label={t("withdraw.reason")}
          value={reason}
          onChange={setReason}
          fields={fields}
        />
        <div className="field checkbox-field">
          <label>
            <input
              {...fieldProps("confirm")}
              type="checkbox"
              checked={confirmed}
              onChange={(e) => {
                setConfirmed(e.target.checked);
              }}
            />
            <span>{t("withdraw.confirm", { version })}</span>
          </label>
          <FieldError id={errorIdOf("confirm")} message={errors.confirm} />
        </div>
        <div className="actions">
          <button type="submit" className="danger" disabled={action.busy}>
            {t("withdraw.submit", { version })}
          </button>
        </div>
      </form>
      {action.error !== null ? <ErrorMessage error={action.error} /> : null}
    </section>
  );
}
