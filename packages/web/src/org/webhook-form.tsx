import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { ErrorMessage } from "../components/feedback.js";
import { WEBHOOK_EVENT_TYPES } from "./org-types.js";

/** What a subscription's form holds: the hub's create and update bodies. */
export interface WebhookFields {
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string;
}

const MAX_DESCRIPTION = 500;

/** Why a URL would be refused before asking the hub (which also checks where it points). */
function urlProblem(text: string): string | null {
  if (text.trim() === "") {
    return "form.urlMissing";
  }
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return "form.urlInvalid";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return "form.urlScheme";
  }
  if (url.username !== "" || url.password !== "") {
    return "form.urlCredentials";
  }
  return null;
}

/**
 * The fields of a webhook subscription — URL, event types, description —
 * checked before they are sent; `error` is the hub's refusal, shown as it says.
 */
export function WebhookForm({
  idPrefix,
  initial,
  submitLabel,
  busy,
  error,
  onSubmit,
}: {
  readonly idPrefix: string;
  readonly initial: WebhookFields;
  readonly submitLabel: string;
  readonly busy: boolean;
  readonly error: Error | null;
  readonly onSubmit: (fields: WebhookFields) => void;
}) {
  const { t } = useTranslation("org");
  const [url, setUrl] = useState(initial.url);
  const [events, setEvents] = useState<readonly string[]>(initial.events);
  const [description, setDescription] = useState(initial.description);
  const [tried, setTried] = useState(false);
  const badUrl = urlProblem(url);
  const noEvents = events.length === 0;
  const longDescription = description.length > MAX_DESCRIPTION;
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    setTried(true);
    if (badUrl !== null || noEvents || longDescription) {
      return;
    }
    onSubmit({ url: url.trim(), events, description });
  };
  return (
    <form className="org-form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${idPrefix}-url`}>{t("form.url")}</label>
        <input
          id={`${idPrefix}-url`}
          type="url"
          value={url}
          placeholder={t("form.urlPlaceholder")}
          aria-invalid={tried && badUrl !== null}
          aria-describedby={`${idPrefix}-url-hint${tried && badUrl !== null ? ` ${idPrefix}-url-problem` : ""}`}
          onChange={(event) => {
            setUrl(event.target.value);
          }}
        />
        <p className="muted" id={`${idPrefix}-url-hint`}>
          {t("form.urlHint")}
        </p>
        {tried && badUrl !== null ? (
          <p className="field-error" id={`${idPrefix}-url-problem`}>
            {t(badUrl)}
          </p>
        ) : null}
      </div>
      <fieldset
        className="events"
        aria-describedby={tried && noEvents ? `${idPrefix}-events-problem` : undefined}
      >
        <legend>{t("form.events")}</legend>
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <div key={type} className="check">
            <input
              type="checkbox"
              id={`${idPrefix}-event-${type}`}
              checked={events.includes(type)}
              onChange={(event) => {
                setEvents(
                  event.target.checked
                    ? WEBHOOK_EVENT_TYPES.filter((e) => e === type || events.includes(e))
                    : events.filter((e) => e !== type),
                );
              }}
            />
            <label htmlFor={`${idPrefix}-event-${type}`}>
              {t(`events.${type}`)} <code>{type}</code>
            </label>
          </div>
        ))}
        {tried && noEvents ? (
          <p className="field-error" id={`${idPrefix}-events-problem`}>
            {t("form.eventsMissing")}
          </p>
        ) : null}
      </fieldset>
      <div className="field">
        <label htmlFor={`${idPrefix}-description`}>{t("form.description")}</label>
        <input
          id={`${idPrefix}-description`}
          value={description}
          aria-invalid={longDescription}
          aria-describedby={longDescription ? `${idPrefix}-description-problem` : undefined}
          onChange={(event) => {
            setDescription(event.target.value);
          }}
        />
        {longDescription ? (
          <p className="field-error" id={`${idPrefix}-description-problem`}>
            {t("form.descriptionTooLong", { max: MAX_DESCRIPTION })}
          </p>
        ) : null}
      </div>
      {error !== null ? <ErrorMessage error={error} /> : null}
      <button type="submit" className="primary" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
