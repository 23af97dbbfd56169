import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError, api, seg } from "../api/client.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useAction } from "../components/use-action.js";
import { useApi } from "../api/use-api.js";
import { useFormat } from "../i18n/format.js";
import { NotFound } from "../pages/not-found.js";
import { useOrg } from "./org-context.js";
import type { Delivery, Subscription } from "./org-types.js";
import { WebhookForm } from "./webhook-form.js";
import { SubscriptionState } from "./webhooks-tab.js";

/** How often the log is read again while a delivery waits for its next attempt. */
const POLL_MS = 2000;

/** One delivery: its event, status and every attempt, with a button to send it again. */
function DeliveryRow({
  delivery,
  base,
  onRedelivered,
}: {
  readonly delivery: Delivery;
  readonly base: string;
  readonly onRedelivered: () => void;
}) {
  const { t } = useTranslation("org");
  const format = useFormat();
  const action = useAction();
  return (
    <li className="delivery">
      <h4>
        {t(`events.${delivery.event.type}`, { defaultValue: delivery.event.type })}{" "}
        <code>{delivery.event.type}</code>{" "}
        <span className={`badge delivery-${delivery.status}`}>
          {t(`deliveries.status.${delivery.status}`)}
        </span>
      </h4>
      <p className="muted">
        {t("deliveries.summary", {
          created: format.dateTime(delivery.createdAt),
          count: delivery.attempts,
        })}
        {delivery.redeliveryOf !== null ? ` ${t("deliveries.redelivery")}` : ""}
        {delivery.nextAttemptAt !== null
          ? ` ${t("deliveries.next", { at: format.dateTime(delivery.nextAttemptAt) })}`
          : ""}
      </p>
      {delivery.log.length > 0 ? (
        <table className="attempts">
          <caption className="visually-hidden">
            {t("deliveries.attemptsOf", { event: delivery.event.type })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t("deliveries.attempt")}</th>
              <th scope="col">{t("deliveries.at")}</th>
              <th scope="col">{t("deliveries.answer")}</th>
              <th scope="col" className="number">
                {t("deliveries.duration")}
              </th>
            </tr>
          </thead>
          <tbody>
            {delivery.log.map((a) => (
              <tr key={a.attempt}>
                <th scope="row">{format.number(a.attempt)}</th>
                <td>{format.dateTime(a.at)}</td>
                <td>
                  {a.statusCode !== null ? <code>{a.statusCode}</code> : null}
                  {a.error !== null ? <span className="error-text"> {a.error}</span> : null}
                </td>
                <td className="number">
                  {t("deliveries.ms", { ms: format.number(a.durationMs) })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <button
        type="button"
        disabled={action.busy}
        onClick={() => {
          void action
            .run(() => api(`${base}/deliveries/${seg(delivery.id)}/redeliver`, { method: "POST" }))
            .then((ok) => {
              if (ok) {
                onRedelivered();
              }
            });
        }}
      >
        {t("deliveries.redeliver")}
        <span className="visually-hidden">
          {" "}
          {t("deliveries.redeliverWhich", {
            event: delivery.event.type,
            at: format.dateTime(delivery.createdAt),
          })}
        </span>
      </button>
      {action.error !== null ? <ErrorMessage error={action.error} /> : null}
    </li>
  );
}

/** The delivery log, read again every few seconds while a delivery is pending. */
function DeliveryLog({ base, enabled }: { readonly base: string; readonly enabled: boolean }) {
  const { t } = useTranslation("org");
  const [loaded, reload] = useApi<Delivery[]>(`${base}/deliveries`);
  const [status, setStatus] = useState("");
  const pending = loaded.state === "done" && loaded.body.some((d) => d.status === "pending");
  useEffect(() => {
    if (!pending) {
      return;
    }
    const timer = setTimeout(reload, POLL_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [pending, loaded, reload]);
  return (
    <section aria-labelledby="deliveries-title">
      <h3 id="deliveries-title">{t("deliveries.title")}</h3>
      <p className="actions">
        <button type="button" onClick={reload}>
          {t("deliveries.refresh")}
        </button>
      </p>
      <p role="status" className="status-line">
        {status}
      </p>
      {!enabled ? <p className="muted">{t("deliveries.disabledNote")}</p> : null}
      {loaded.state === "loading" ? <Loading /> : null}
      {loaded.state === "failed" ? <ErrorMessage error={loaded.error} /> : null}
      {loaded.state === "done" ? (
        loaded.body.length === 0 ? (
          <p>{t("deliveries.none")}</p>
        ) : (
          <ul className="deliveries">
            {loaded.body.map((d) => (
              <DeliveryRow
                key={d.id}
                delivery={d}
                base={base}
                onRedelivered={() => {
                  setStatus(t("deliveries.queued", { event: d.event.type }));
                  reload();
                }}
              />
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}

/** One subscription: change it, switch it off or on, delete it, and read its delivery log. */
export function WebhookPage() {
  const { t } = useTranslation("org");
  const format = useFormat();
  const { orgSegment } = useOrg();
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const base = `/api/namespaces/${orgSegment}/webhooks/${seg(id)}`;
  const [loaded, reload] = useApi<Subscription>(base);
  const save = useAction();
  const toggle = useAction();
  const remove = useAction();
  const [status, setStatus] = useState("");
  const [confirming, setConfirming] = useState(false);
  const list = `/organizations/${orgSegment}/webhooks`;
  if (loaded.state === "loading") {
    return <Loading />;
  }
  if (loaded.state === "failed") {
    const error = loaded.error;
    if (error instanceof ApiError && error.code === "NOT_FOUND") {
      return <NotFound message={error.message} />;
    }
    return <ErrorMessage error={error} />;
  }
  const s = loaded.body;
  return (
    <section className="webhook">
      <p>
        <Link to={list}>{t("webhook.back")}</Link>
      </p>
      <h2>
        {t("webhook.title")} <span className="url">{s.url}</span>
      </h2>
      <p className="badges">
        <SubscriptionState subscription={s} />
        <span className="badge">{t("webhook.failures", { count: s.consecutiveFailures })}</span>
      </p>
      {!s.enabled && s.disabledReason !== null ? (
        <p className="notice">
          {t("webhook.disabledBecause", {
            reason: s.disabledReason,
            at: format.dateTime(s.disabledAt),
          })}
        </p>
      ) : null}
      <p role="status" className="status-line">
        {status}
      </p>
      <div className="actions">
        <button
          type="button"
          disabled={toggle.busy}
          onClick={() => {
            void toggle
              .run(() => api(base, { method: "PATCH", body: { enabled: !s.enabled } }))
              .then((ok) => {
                if (ok) {
                  setStatus(s.enabled ? t("webhook.disabledNow") : t("webhook.enabledNow"));
                  reload();
                }
              });
          }}
        >
          {s.enabled ? t("webhook.disable") : t("webhook.enable")}
        </button>
        {confirming ? (
          <>
            <button
              type="button"
              className="danger"
              disabled={remove.busy}
              onClick={() => {
                void remove
                  .run(() => api(base, { method: "DELETE" }))
                  .then((ok) => {
                    if (ok) {
                      void navigate(list);
                    }
                  });
              }}
            >
              {t("webhook.confirmDelete")}
            </button>
            <button
              type="button"
              onClick={() => {
                setConfirming(false);
              }}
            >
              {t("webhook.cancel")}
            </button>
          </>
        ) : (
          <button
            type="button"
            onClick={() => {
              setConfirming(true);
            }}
          >
            {t("webhook.delete")}
          </button>
        )}
      </div>
      {toggle.error !== null ? <ErrorMessage error={toggle.error} /> : null}
      {remove.error !== null ? <ErrorMessage error={remove.error} /> : null}
      <h3>{t("webhook.edit")}</h3>
      <WebhookForm
        key={s.updatedAt}
        idPrefix="edit-webhook"
        initial={{ url: s.url, events: s.events, description: s.description }}
        submitLabel={t("webhook.save")}
        busy={save.busy}
        error={save.error}
        onSubmit={(fields) => {
          void save
            .run(() => api(base, { method: "PATCH", body: fields }))
            .then((ok) => {
              if (ok) {
                setStatus(t("webhook.saved"));
                reload();
              }
            });
        }}
      />
      <DeliveryLog base={base} enabled={s.enabled} />
    </section>
  );
}
