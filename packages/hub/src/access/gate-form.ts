import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { MAU_FIELD, hubGatedValue, type GateField, type ModelRecord } from "../registry/index.js";
import { gatedVersion } from "./gated-version.js";
import { versionLicence, versionLicenceText } from "./version-licence.js";

/** The access form of a gated version, as a client renders it. */
export interface GateForm {
  readonly model: string;
  readonly version: string;
  /** What the Hugging Face clients read: a rule decides unseen, so it shows as manual. */
  readonly gated: "auto" | "manual";
  readonly approval: "auto" | "manual" | "rule";
  readonly heading: string | null;
  readonly prompt: string | null;
  readonly description: string | null;
  readonly buttonContent: string | null;
  readonly fields: readonly (GateField & { readonly number?: true })[];
  readonly blockedCountries: readonly string[];
  readonly licence: {
    readonly id: string;
    readonly sha256: string;
    readonly text: string;
    readonly acceptanceRequired: boolean;
  };
  /** How long an approval lasts, in days; null for until revoked. */
  readonly grantDays: number | null;
}

/**
 * The form to ask for access to a gated version (the newest when none is
 * named): its questions, with the licence's cap on users as one more, and the
 * licence text to accept. Anyone who sees the version may read it.
 */
export async function gateForm(
  ctx: HubContext,
  actor: Actor,
  model: ModelRecord,
  revision: string | undefined,
): Promise<GateForm> {
  const { version, gate } = await gatedVersion(ctx, actor, model, revision);
  const licence = versionLicence(version);
  const fields: (GateField & { number?: true })[] = [...gate.fields];
  if (gate.maxMonthlyActiveUsers !== null) {
    fields.push({ label: MAU_FIELD, type: "text", options: [], number: true });
  }
  return {
    model: model.fullName,
    version: version.name,
    gated: hubGatedValue(gate),
    approval: gate.approval,
    heading: gate.heading,
    prompt: gate.prompt,
    description: gate.description,
    buttonContent: gate.buttonContent,
    fields,
    blockedCountries: gate.blockedCountries,
    licence: {
      id: licence.id,
      sha256: licence.sha256,
      text: await versionLicenceText(ctx, version, licence),
      acceptanceRequired: gate.licenceAcceptance,
    },
    grantDays: gate.grantDurationMs === null ? null : gate.grantDurationMs / 86_400_000,
  };
}
