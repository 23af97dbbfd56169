import { expectStatus, createDraft } from "../security/support.js";
import type { TestHub } from "../support/harness.js";

/** The card of a gated model asking the questions most gated models ask. */
export function gatedCard(gate: Record<string, unknown> = {}, extra = ""): string {
  const gateYaml = Object.entries(gate)
    .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
    .join("\n");
  return `---
license: llama3
extra_gated_heading: Ask for access to the weights
extra_gated_prompt: You agree to share your contact information to access this model.
extra_gated_fields:
  Name: text
  Affiliation: text
  Date of birth: date_picker
  Country: country
  Intended use:
    type: select
    options:
      - Research
      - label: Commercial product
        value: commercial
  I agree to use this model for non-commercial use ONLY: checkbox
${gateYaml === "" ? "" : `gate:\n${gateYaml}\n`}${extra}---
# A gated model
`;
}

/** Answers that pass the questions of {@link gatedCard}. */
export const GOOD_ANSWERS: Record<string, string | boolean | number> = {
  Name: "Ada Lovelace",
  Affiliation: "Analytical Engines Ltd",
  "Date of birth": "1815-12-10",
  Country: "GB",
  "Intended use": "Research",
  "I agree to use this model for non-commercial use ONLY": true,
};

/** Creates NS/NAME whose versions start gated and publishes `version` with `files`. */
export async function publishGated(
  hub: TestHub,
  token: string,
  id: string,
  version: string,
  files: Record<string, string>,
  create = true,
): Promise<void> {
  if (create) {
    await expectStatus(
      hub.request("POST", "/api/models", { token, json: { id, visibility: "gated" } }),
      201,
    );
  }
  await createDraft(hub, token, id, version, files);
  await expectStatus(
    hub.request("POST", `/api/models/${id}/versions/${version}/publish`, { token }),
    200,
  );
}

/** Submits the access form of `id` as `token`. */
export const askAccess = (
  hub: TestHub,
  token: string,
  id: string,
  body: Record<string, unknown> = { answers: GOOD_ANSWERS, acceptLicence: true },
) => hub.request("POST", `/api/models/${id}/access/requests`, { token, json: body });
