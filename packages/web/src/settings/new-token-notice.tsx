import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { CreatedToken } from "./settings-types.js";

/**
 * A token just created, shown this once with a button to copy it and a
 * warning that it cannot be shown again; it takes focus, so a screen reader
 * reads it first.
 */
export function NewTokenNotice({
  token,
  onDone,
}: {
  readonly token: CreatedToken;
  readonly onDone: () => void;
}) {
  const { t } = useTranslation("settings");
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  const copy = () => {
    navigator.clipboard.writeText(token.token).then(
      () => {
        setCopied("yes");
      },
      () => {
        // Without clipboard permission the text is selected, for Ctrl+C.
        field.current?.select();
        setCopied("failed");
      },
    );
  };
  return (
    <section className="new-token" aria-labelledby="new-token-title">
      <h2 id="new-token-title" tabIndex={-1} ref={heading}>
        {t("tokens.created", { name: token.name })}
      </h2>
      <p className="warning">{t("tokens.onceWarning")}</p>
      <div className="token-copy">
        <label htmlFor="new-token-value" className="visually-hidden">
          {t("tokens.secretLabel")}
        </label>
        <input
          id="new-token-value"
          ref={field}
          readOnly
          value={token.token}
          spellCheck={false}
          onFocus={(event) => {
            event.target.select();
          }}
        />
        <button type="button" className="primary" onClick={copy}>
          {t("tokens.copy")}
        </button>
      </div>
      <p role="status" className="muted">
        {copied === "yes"
          ? t("tokens.copied")
          : copied === "failed"
            ? t("tokens.copyFailed")
            : null}
      </p>
      <button type="button" onClick={onDone}>
        {t("tokens.done")}
      </button>
    </section>
  );
}
