import { useId, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, seg } from "../api/client.js";
import { ErrorMessage } from "../components/feedback.js";
import { FieldError } from "../components/field-error.js";
import { useAction } from "../components/use-action.js";
import { useFieldErrors } from "../components/use-field-errors.js";
import { useFormat, type Format } from "../i18n/format.js";
import type { UsageSignal } from "./usage-types.js";

/** The columns of the signals table, which a close form's row spans. */
export const SIGNAL_COLUMNS = 9;

/** The hub keeps a reason of up to 1,000 characters with the closing. */
const MAX_REASON = 1000;

/** A detail's value, short: numbers in the UI's language, anything else as JSON. */
function detailValue(value: unknown, format: Format): string {
  if (typeof value === "number") {
    return format.number(value);
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** What the detector saw at the last trip, as short labelled figures. */
function Details({ details }: { readonly details: UsageSignal["details"] }) {
  const { t, i18n } = useTranslation("usage");
  const format = useFormat();
  const entries = Object.entries(details);
  if (entries.length === 0) {
    return <span className="muted">—</span>;
  }
  return (
    <dl className="signal-details">
      {entries.map(([key, value]) => (
        <div key={key}>
          {/* A detail a newer hub reports goes by its own name until the UI knows it. */}
          <dt>{i18n.exists(`usage:signals.details.${key}`) ? t(`signals.details.${key}`) : key}</dt>
          <dd>
            {key === "windowMinutes" && typeof value === "number"
              ? t("signals.minutes", { value: format.number(value) })
              : detailValue(value, format)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Whose calls: a token or user by id, an address where the hub shows it. */
function Subject({ subject }: { readonly subject: UsageSignal["subject"] }) {
  const { t } = useTranslation("usage");
  return (
    <>
      {t(`signals.subjects.${subject.kind}`)}
      {subject.id === null ? (
        <div className="muted">{t("signals.hiddenAddress")}</div>
      ) : (
        <div className="id">{subject.id}</div>
      )}
    </>
  );
}

/** Asks why the signal is closed, then closes it; the hub's refusal is shown as it gave it. */
function CloseForm({
  signal,
  onClosed,
  onCancel,
}: {
  readonly signal: UsageSignal;
  readonly onClosed: () => void;
  readonly onCancel: () => void;
}) {
  const { t } = useTranslation("usage");
  const formId = useId();
  const { errors, fieldProps, errorIdOf, check } = useFieldErrors<"reason">(formId);
  const [reason, setReason] = useState("");
  const action = useAction();
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const found = reason.trim() === "" ? { reason: t("signals.reasonRequired") } : {};
    if (!check(found, ["reason"])) {
      return;
    }
    const ok = await action.run(() =>
      api(`/api/usage/signals/${seg(signal.id)}/close`, {
        method: "POST",
        body: { reason: reason.trim() },
      }),
    );
    if (ok) {
      onClosed();
    }
  };
  return (
    <form
      noValidate
      className="signal-close"
      aria-label={t("signals.closeTitle", { id: signal.id })}
      onSubmit={(event) => void submit(event)}
    >
      <label htmlFor={fieldProps("reason").id}>{t("signals.reason")}</label>
      <div className="signal-close-line">
        <input
          {...fieldProps("reason")}
          type="text"
          maxLength={MAX_REASON}
          autoComplete="off"
          autoFocus
          value={reason}
          onChange={(event) => {
            setReason(event.target.value);
          }}
        />
        <button type="submit" className="danger" disabled={action.busy}>
          {t("signals.confirm")}
        </button>
        <button type="button" onClick={onCancel}>
          {t("signals.cancel")}
        </button>
      </div>
      <FieldError id={errorIdOf("reason")} message={errors.reason} />
      {action.error !== null ? <ErrorMessage error={action.error} /> : null}
    </form>
  );
}

/**
 * One open signal: its kind, subject, counts, action and the rules that
 * asked for it, when it was first and last seen, the version called and the detector's
 * details; Close opens a form below the row that asks for a reason.
 */
export function SignalRow({
  signal,
  onClosed,
}: {
  readonly signal: UsageSignal;
  readonly onClosed: (signal: UsageSignal) => void;
}) {
  const { t } = useTranslation("usage");
  const format = useFormat();
  const [closing, setClosing] = useState(false);
  return (
    <>
      <tr data-signal={signal.id} className={closing ? "closing" : undefined}>
        <th scope="row">
          {t(`signals.kinds.${signal.kind}`)}
          <div className="id">{signal.kind}</div>
        </th>
        <td>
          <Subject subject={signal.subject} />
        </td>
        <td className="number">{format.number(signal.count)}</td>
        <td className="number">{format.number(signal.trips)}</td>
        <td>
          <span className={`badge signal-action-${signal.action}`}>
            {t(`signals.actions.${signal.action}`)}
          </span>
          {signal.rules.length > 0 ? (
            <div className="signal-rules">
              {t("signals.rules", { rules: signal.rules.join(", ") })}
            </div>
          ) : null}
        </td>
        <td>
          <dl className="signal-seen">
            <div>
              <dt>{t("signals.seen.first")}</dt>
              <dd>{format.dateTime(signal.firstSeen)}</dd>
            </div>
            <div>
              <dt>{t("signals.seen.last")}</dt>
              <dd>{format.dateTime(signal.lastSeen)}</dd>
            </div>
          </dl>
        </td>
        <td className="version">{signal.version ?? <span className="muted">—</span>}</td>
        <td>
          <Details details={signal.details} />
        </td>
        <td>
          <button
            type="button"
            className="danger-outline"
            aria-expanded={closing}
            onClick={() => {
              setClosing((open) => !open);
            }}
          >
            {t("signals.close")}
            <span className="visually-hidden"> {signal.id}</span>
          </button>
        </td>
      </tr>
      {closing ? (
        <tr className="signal-close-row">
          <td colSpan={SIGNAL_COLUMNS}>
            <CloseForm
              signal={signal}
              onClosed={() => {
                setClosing(false);
                onClosed(signal);
              }}
              onCancel={() => {
                setClosing(false);
              }}
            />
          </td>
        </tr>
      ) : null}
    </>
  );
}
