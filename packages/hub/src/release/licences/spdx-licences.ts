import spdxList from "spdx-license-list";
import type { CatalogueEntry } from "./model-licences.js";

/**
 * Licences whose derived works must stay under the same licence (strong or
 * weak copyleft), matched on the identifier's family prefix.
 */
const COPYLEFT =
  /^(AGPL|GPL|LGPL|MPL|EPL|EUPL|CDDL|CPL|IPL|OSL|RPL|RPSL|SSPL|Sleepycat|MS-RL|APSL|QPL|CECILL-2|CECILL-1|CC-BY-SA|CC-BY-NC-SA|GFDL|ODbL|OGL-UK|copyleft-next|LAL|Parity|NPL|CAL)(-|$)/;

/** Public-domain dedications and the few licences that ask for no notice at all. */
const NO_ATTRIBUTION = new Set([
  "0BSD",
  "CC0-1.0",
  "Unlicense",
  "WTFPL",
  "MIT-0",
  "PDDL-1.0",
  "CC-PDDC",
  "PDDL",
  "blessing",
  "SAX-PD",
  "libselinux-1.0",
]);

function tokens(id: string): string[] {
  return id.split("-");
}

/** Non-commercial: a `NC` part (CC-BY-NC-*), or a licence named non-commercial (PolyForm, NCGL). */
function nonCommercial(id: string): boolean {
  return tokens(id).includes("NC") || /noncommercial|^NCGL/i.test(id);
}

/** No derivatives: a `ND` part (CC-BY-ND-*, CC-BY-NC-ND-*). */
function noDerivatives(id: string): boolean {
  return tokens(id).includes("ND");
}

/**
 * The facts of one SPDX licence, derived from its identifier's family: see
 * docs/licences.md ("How SPDX attributes are derived") for the rules.
 */
export function spdxEntry(id: string, name: string): CatalogueEntry {
  const copyleft = COPYLEFT.test(id);
  return {
    facts: {
      id,
      name,
      family: "spdx",
      commercialUse: !nonCommercial(id),
      derivatives: !noDerivatives(id),
      attribution: !NO_ATTRIBUTION.has(id),
      copyleft,
      useRestrictions: [],
      restrictionsFlowDown: false,
      noticeRequired: false,
      noticeText: null,
      namePrefix: null,
      attributionText: null,
    },
    text: { kind: "spdx", id },
  };
}

/** Every identifier of the SPDX licence list, as the `spdx-license-list` package ships it. */
export const SPDX_IDS: readonly string[] = Object.keys(spdxList).sort();

/** The SPDX licences of the catalogue, by identifier. */
export const SPDX_LICENCES: ReadonlyMap<string, CatalogueEntry> = new Map(
  SPDX_IDS.map((id) => [id, spdxEntry(id, spdxList[id]?.name ?? id)]),
);
