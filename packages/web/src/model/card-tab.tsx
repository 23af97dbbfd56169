import { useTranslation } from "react-i18next";
import type { CardView } from "../api/types.js";
import { useApi } from "../api/use-api.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { ModelCard } from "./model-card.js";
import { useModel } from "./model-context.js";

/** A front-matter value as one line of text: lists joined, mappings as JSON. */
function shown(value: unknown): string {
  if (Array.isArray(value)) {
    return value.map(shown).join(", ");
  }
  if (typeof value === "object" && value !== null) {
    return JSON.stringify(value);
  }
  return String(value);
}

/** The card's front matter as a table of fields. */
function Metadata({ card }: { readonly card: Record<string, unknown> }) {
  const { t } = useTranslation("model");
  const entries = Object.entries(card).filter(([, value]) => value !== null && value !== "");
  if (entries.length === 0) {
    return null;
  }
  return (
    <table className="metadata">
      <caption>{t("card.metadata")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("card.field")}</th>
          <th scope="col">{t("card.value")}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">
              <code>{key}</code>
            </th>
            <td>{shown(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The model card: its Markdown rendered and sanitised, its metadata beside it. */
export function CardTab() {
  const { t } = useTranslation("model");
  const { apiBase, info } = useModel();
  const [loaded] = useApi<CardView>(`/api/models/${apiBase}/card`);
  return (
    <div className="card-layout">
      <section aria-label={t("card.label")}>
        {loaded.state === "loading" ? <Loading /> : null}
        {loaded.state === "failed" ? <ErrorMessage error={loaded.error} /> : null}
        {loaded.state === "done" ? (
          loaded.body.markdown.trim() === "" ? (
            <p className="muted">{t("card.empty")}</p>
          ) : (
            <ModelCard markdown={loaded.body.markdown} />
          )
        ) : null}
      </section>
      <aside>
        <Metadata card={info.cardData ?? {}} />
      </aside>
    </div>
  );
}
