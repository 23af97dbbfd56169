import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, seg } from "../api/client.js";
import type { Loaded } from "../api/use-api.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useFormat } from "../i18n/format.js";
import { EvidenceList } from "./evidence-list.js";
import { PolicyRules } from "./policy-rules.js";
import type { PendingChange } from "./release-types.js";
import { SignoffStatus } from "./signoff-status.js";

/** Whether a failed load of the pending change only means that nothing is pending. */
export const nothingPending = (loaded: Loaded<PendingChange>): boolean =>
  loaded.state === "failed" &&
  loaded.error instanceof ApiError &&
  loaded.error.code === "NOT_FOUND";

/**
 * What a pending change of one version waits for: the move and its reason,
 * its embargo, the policy rule by rule, who signed and how many more must;
 * with a button to cancel it.
 */
export function PendingSection({
  apiBase,
  version,
  loaded,
  onChanged,
}: {
  readonly apiBase: string;
  readonly version: string;
  readonly loaded: Loaded<PendingChange>;
  readonly onChanged: () => void;
}) {
  const { t } = useTranslation("release");
  const format = useFormat();
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const stageName = (s: string) => t(`common:stage.${s}`, { defaultValue: s });
  let body;
  if (loaded.state === "loading") {
    body = <Loading />;
  } else if (nothingPending(loaded)) {
    body = <p className="muted">{t("pending.none")}</p>;
  } else if (loaded.state === "failed") {
    body = <ErrorMessage error={loaded.error} />;
  } else {
    const change = loaded.body;
    const move = change.transition;
    const cancel = async () => {
      setBusy(true);
      setError(null);
      try {
        await api(`/api/models/${apiBase}/versions/${seg(version)}/transitions/pending`, {
          method: "DELETE",
        });
        onChanged();
      } catch (err) {
        setError(err instanceof Error ? err : new Error(String(err)));
      } finally {
        setBusy(false);
      }
    };
    body = (
      <div className="pending-change">
        <p className="pending-move">
          {t("pending.move", {
            from: stageName(move.from),
            to: stageName(move.to),
            who: move.requestedBy ?? "—",
            when: format.dateTime(move.requestedAt),
          })}
        </p>
        <p>{t("pending.reason", { reason: move.reason })}</p>
        {move.at !== null ? (
          <p className="embargo">{t("pending.embargo", { when: format.dateTime(move.at) })}</p>
        ) : null}
        <h4>{t("pending.policy")}</h4>
        <PolicyRules decision={change.decision} caption={t("pending.policyCaption")} />
        <h4>{t("pending.signoffs")}</h4>
        <SignoffStatus change={change} caption={t("pending.signoffsCaption")} />
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => void cancel()}>
            {move.at !== null ? t("pending.cancelEmbargo") : t("pending.cancel")}
          </button>
        </div>
        {error !== null ? <ErrorMessage error={error} /> : null}
      </div>
    );
  }
  return (
    <section aria-labelledby="pending-title">
      <h3 id="pending-title">{t("pending.title")}</h3>
      {body}
    </section>
  );
}

/** The evidence of a version, under its own heading. */
export function EvidenceSection({
  apiBase,
  version,
}: {
  readonly apiBase: string;
  readonly version: string;
}) {
  const { t } = useTranslation("release");
  return (
    <section aria-labelledby="evidence-title">
      <h3 id="evidence-title">{t("evidence.title")}</h3>
      <EvidenceList
        apiBase={apiBase}
        version={version}
        caption={t("evidence.caption", { version })}
      />
    </section>
  );
}
