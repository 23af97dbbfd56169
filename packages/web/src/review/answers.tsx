import { useTranslation } from "react-i18next";

/** A value of an access form's answers, as text. */
function answerText(value: unknown, yes: string, no: string): string {
  if (typeof value === "boolean") {
    return value ? yes : no;
  }
  if (typeof value === "string" || typeof value === "number") {
    return String(value);
  }
  return JSON.stringify(value);
}

/** The answers to an access form, question by question. */
export function Answers({ fields }: { readonly fields: Readonly<Record<string, unknown>> }) {
  const { t } = useTranslation("review");
  const entries = Object.entries(fields);
  if (entries.length === 0) {
    return <p className="muted">{t("answers.none")}</p>;
  }
  return (
    <dl className="answers">
      {entries.map(([question, value]) => (
        <div key={question}>
          <dt>{question}</dt>
          <dd>{answerText(value, t("answers.yes"), t("answers.no"))}</dd>
        </div>
      ))}
    </dl>
  );
}
