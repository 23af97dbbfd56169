import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { seg } from "../api/client.js";
import { useApi } from "../api/use-api.js";
import { StageBadge } from "../components/badges.js";
import { useFormat } from "../i18n/format.js";
import { EvidenceSection, PendingSection } from "./pending-section.js";
import type { PendingChange, Transition, VersionRow } from "./release-types.js";
import { TransitionForm } from "./transition-form.js";
import { TransitionHistory } from "./transition-history.js";
import { WithdrawForm } from "./withdraw-form.js";

/**
 * The release of one published version: its stage, the change pending (with
 * the policy rule by rule and its sign-offs), a form to ask for a change or
 * schedule one, withdrawal, the evidence attached, and the changes so far.
 */
export function ReleaseVersion({
  apiBase,
  version,
  onChanged,
}: {
  readonly apiBase: string;
  readonly version: VersionRow;
  /** Called after a change, so the versions list and the model's header follow. */
  readonly onChanged: () => void;
}) {
  const { t } = useTranslation("release");
  const format = useFormat();
  const name = version.name;
  const path = `/api/models/${apiBase}/versions/${seg(name)}`;
  const [pending, reloadPending] = useApi<PendingChange>(`${path}/transitions/pending`);
  const [history, reloadHistory] = useApi<Transition[]>(
    `/api/models/${apiBase}/transitions?version=${encodeURIComponent(name)}`,
  );
  const changed = useCallback(() => {
    reloadPending();
    reloadHistory();
    onChanged();
  }, [reloadPending, reloadHistory, onChanged]);
  const stage = version.stage ?? "private";
  return (
    <div className="release-version">
      <section aria-labelledby="stage-title">
        <h3 id="stage-title">{t("stage.title", { version: name })}</h3>
        <p className="current-stage">
          <StageBadge stage={stage} />
          {stage === "withdrawn" ? (
            <span className="tombstone">
              {t("stage.withdrawn", {
                when: format.dateTime(version.withdrawnAt),
                reason: version.reason ?? "—",
              })}
            </span>
          ) : (
            <span className="muted">
              {t("stage.published", { when: format.dateTime(version.publishedAt) })}
            </span>
          )}
        </p>
      </section>
      <PendingSection apiBase={apiBase} version={name} loaded={pending} onChanged={changed} />
      <TransitionForm
        apiBase={apiBase}
        version={name}
        stage={stage}
        pending={pending.state === "done"}
        onChanged={changed}
      />
      {stage !== "withdrawn" ? (
        <WithdrawForm apiBase={apiBase} version={name} onChanged={changed} />
      ) : null}
      <EvidenceSection apiBase={apiBase} version={name} />
      <TransitionHistory loaded={history} />
    </div>
  );
}
