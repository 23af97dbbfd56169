import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, seg } from "../api/client.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useAction } from "../components/use-action.js";
import { useApi } from "../api/use-api.js";
import { useFormat } from "../i18n/format.js";
import { useOrg } from "./org-context.js";
import type { CreatedSubscription, Subscription } from "./org-types.js";
import { WebhookForm } from "./webhook-form.js";

/** Enabled, or disabled and why. */
export function SubscriptionState({ subscription }: { readonly subscription: Subscription }) {
  const { t } = useTranslation("org");
  return subscription.enabled ? (
    <span className="badge state-enabled">{t("webhooks.enabled")}</span>
  ) : (
    <span className="badge state-disabled">{t("webhooks.disabled")}</span>
  );
}

/** The secret of a new subscription: shown once, in the answer that created it. */
function NewSecret({
  created,
  onDismiss,
}: {
  readonly created: CreatedSubscription;
  readonly onDismiss: () => void;
}) {
  const { t } = useTranslation("org");
  const { orgSegment } = useOrg();
  return (
    <div className="notice secret" role="status">
      <p>
        <strong>{t("webhooks.created")}</strong> {t("webhooks.secretOnce")}
      </p>
      <p>
        {t("webhooks.secret")} <code className="hash secret-value">{created.secret}</code>
      </p>
      <p className="actions">
        <Link to={`/organizations/${orgSegment}/webhooks/${seg(created.id)}`}>
          {t("webhooks.openNew")}
        </Link>
        <button type="button" onClick={onDismiss}>
          {t("webhooks.secretStored")}
        </button>
      </p>
    </div>
  );
}

/** The organisation's webhook subscriptions, and a form to add one (owners and maintainers). */
export function WebhooksTab() {
  const { t } = useTranslation("org");
  const format = useFormat();
  const { org, orgSegment } = useOrg();
  const base = `/api/namespaces/${orgSegment}/webhooks`;
  const [loaded, reload] = useApi<Subscription[]>(base);
  const [created, setCreated] = useState<CreatedSubscription | null>(null);
  const [formKey, setFormKey] = useState(0);
  const action = useAction();
  if (loaded.state === "loading") {
    return <Loading />;
  }
  if (loaded.state === "failed") {
    return (
      <section>
        <h2>{t("webhooks.title")}</h2>
        <ErrorMessage error={loaded.error} />
      </section>
    );
  }
  const subscriptions = loaded.body;
  return (
    <section>
      <h2>{t("webhooks.title")}</h2>
      <p className="muted">{t("webhooks.intro", { org })}</p>
      {created !== null ? (
        <NewSecret
          created={created}
          onDismiss={() => {
            setCreated(null);
          }}
        />
      ) : null}
      {subscriptions.length === 0 ? (
        <p>{t("webhooks.none")}</p>
      ) : (
        <table className="webhooks">
          <thead>
            <tr>
              <th scope="col">{t("webhooks.url")}</th>
              <th scope="col">{t("webhooks.events")}</th>
              <th scope="col">{t("webhooks.state")}</th>
              <th scope="col" className="number">
                {t("webhooks.failures")}
              </th>
              <th scope="col">{t("webhooks.createdAt")}</th>
            </tr>
          </thead>
          <tbody>
            {subscriptions.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  <Link to={`/organizations/${orgSegment}/webhooks/${seg(s.id)}`}>
                    <span className="url">{s.url}</span>
                  </Link>
                  {s.description !== "" ? <p className="muted">{s.description}</p> : null}
                </th>
                <td>
                  <ul className="plain">
                    {s.events.map((e) => (
                      <li key={e}>
                        <code>{e}</code>
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  <SubscriptionState subscription={s} />
                </td>
                <td className="number">{format.number(s.consecutiveFailures)}</td>
                <td>{format.dateTime(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t("webhooks.add")}</h3>
      <WebhookForm
        key={formKey}
        idPrefix="new-webhook"
        initial={{ url: "", events: [], description: "" }}
        submitLabel={t("webhooks.create")}
        busy={action.busy}
        error={action.error}
        onSubmit={(fields) => {
          void action.run(async () => {
            const answer = await api<CreatedSubscription>(base, {
              method: "POST",
              body: {
                url: fields.url,
                events: fields.events,
                ...(fields.description === "" ? {} : { description: fields.description }),
              },
            });
            setCreated(answer);
            setFormKey((k) => k + 1);
            reload();
          });
        }}
      />
    </section>
  );
}
