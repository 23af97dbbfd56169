import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/client.js";
import { useApi } from "../api/use-api.js";
import { ErrorMessage } from "../components/feedback.js";
import { SignalRow } from "./signal-row.js";
import type { SignalList } from "./usage-types.js";

/** The most signals the section lists: the hub's own default. */
const LIMIT = 100;

/**
 * The open abuse signals about calls to the subject `query` names
 * (`model=ns/name` or `org=name`), most recently seen first, each to close
 * with a reason. Only administrators and the organisation's owners may read
 * them: anyone the hub refuses sees no section at all, as for a tab they
 * may not open.
 */
export function SignalsSection({ query }: { readonly query: string }) {
  const { t } = useTranslation("usage");
  const [loaded, reload] = useApi<SignalList>(
    `/api/usage/signals?state=open&limit=${LIMIT}&${query}`,
  );
  const [status, setStatus] = useState("");
  if (loaded.state === "loading") {
    return null;
  }
  if (
    loaded.state === "failed" &&
    loaded.error instanceof ApiError &&
    loaded.error.status === 403
  ) {
    return null;
  }
  return (
    <section className="signals" aria-labelledby="signals-title">
      <h2 id="signals-title">{t("signals.title")}</h2>
      <p className="muted">{t("signals.intro")}</p>
      <p role="status" className="signal-status">
        {status}
      </p>
      {loaded.state === "failed" ? (
        <ErrorMessage error={loaded.error} />
      ) : loaded.body.signals.length === 0 ? (
        <p className="muted signals-empty">{t("signals.none")}</p>
      ) : (
        <>
          <div className="table-scroll">
            <table className="signal-table">
              <thead>
                <tr>
                  <th scope="col">{t("signals.columns.kind")}</th>
                  <th scope="col">{t("signals.columns.subject")}</th>
                  <th scope="col" className="number">
                    {t("signals.columns.calls")}
                  </th>
                  <th scope="col" className="number">
                    {t("signals.columns.trips")}
                  </th>
                  <th scope="col">{t("signals.columns.action")}</th>
                  <th scope="col">{t("signals.columns.seen")}</th>
                  <th scope="col">{t("signals.columns.version")}</th>
                  <th scope="col">{t("signals.columns.details")}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t("signals.columns.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {loaded.body.signals.map((signal) => (
                  <SignalRow
                    key={signal.id}
                    signal={signal}
                    onClosed={(closed) => {
                      setStatus(
                        t("signals.closed", {
                          id: closed.id,
                          kind: t(`signals.kinds.${closed.kind}`),
                        }),
                      );
                      reload();
                    }}
                  />
                ))}
              </tbody>
            </table>
          </div>
          {loaded.body.signals.length >= LIMIT ? (
            <p className="muted">{t("signals.more", { limit: LIMIT })}</p>
          ) : null}
        </>
      )}
    </section>
  );
}
