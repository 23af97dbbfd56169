import { useTranslation } from "react-i18next";

/** A release stage, named in the UI's language and coloured by how open it is. */
export function StageBadge({ stage }: { readonly stage: string | null | undefined }) {
  const { t } = useTranslation();
  if (stage === null || stage === undefined) {
    return null;
  }
  return (
    <span className={`badge stage-${stage}`}>{t(`stage.${stage}`, { defaultValue: stage })}</span>
  );
}

/** A risk tier, named in the UI's language. */
export function RiskBadge({ tier }: { readonly tier: string | null | undefined }) {
  const { t } = useTranslation();
  if (tier === null || tier === undefined) {
    return null;
  }
  return (
    <span className={`badge risk-${tier}`}>
      {t("riskTier.label")}: {t(`riskTier.${tier}`, { defaultValue: tier })}
    </span>
  );
}
