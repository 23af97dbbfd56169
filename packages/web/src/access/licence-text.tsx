import { useTranslation } from "react-i18next";

/**
 * A licence's exact text, in a scrolling box that takes keyboard focus so
 * it can be scrolled without a mouse; what the user accepts is this text,
 * bound by its sha256.
 */
export function LicenceText({
  id,
  licence,
}: {
  readonly id: string;
  readonly licence: { readonly id: string; readonly sha256: string; readonly text: string };
}) {
  const { t } = useTranslation("access");
  return (
    <section className="licence" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t("licence.title", { id: licence.id })}</h3>
      <div
        className="licence-text"
        tabIndex={0}
        role="region"
        aria-label={t("licence.textLabel", { id: licence.id })}
      >
        <pre>{licence.text}</pre>
      </div>
      <p className="muted licence-hash">
        {t("licence.sha256")} <code className="hash">{licence.sha256}</code>
      </p>
    </section>
  );
}
