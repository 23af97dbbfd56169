import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import {
  MODEL_LICENCES,
  SPDX_IDS,
  licenceText,
  resolveLicence,
  type LicenceResolution,
} from "../../src/release/licences/index.js";
import type { LicenceFacts } from "../../src/release/policy-input.js";

function resolved(card: Record<string, unknown>): LicenceFacts {
  const result = resolveLicence(card);
  assert.ok(result !== null, "the card declares a licence");
  assert.ok(result.ok, `resolves: ${result.ok ? "" : result.reason}`);
  return result.licence;
}

function refused(card: Record<string, unknown>): string {
  const result: LicenceResolution | null = resolveLicence(card);
  assert.ok(result !== null && !result.ok, "is refused");
  return result.reason;
}

const HF_KEYS = [
  "openrail",
  "openrail++",
  "creativeml-openrail-m",
  "bigscience-openrail-m",
  "bigscience-bloom-rail-1.0",
  "llama2",
  "llama3",
  "llama3.1",
  "llama3.2",
  "gemma",
  "cc-by-nc-4.0",
];

/** The model licences whose texts the catalogue holds (see docs/licences.md for the ones it does not). */
const WITH_TEXT = [
  "creativeml-openrail-m",
  "openrail++",
  "llama2",
  "llama3",
  "llama3.1",
  "llama3.2",
  "cc-by-nc-4.0",
];

describe("licence catalogue", () => {
  it("resolves every SPDX identifier of spdx-license-list, with the list's spelling and a hashed text", () => {
    assert.ok(SPDX_IDS.length > 600, `the list has ${SPDX_IDS.length} ids`);
    for (const id of SPDX_IDS) {
      const licence = resolved({ license: id });
      assert.equal(licence.id, id);
      assert.equal(licence.family, "spdx");
      assert.match(licence.textSha256 ?? "", /^[0-9a-f]{64}$/, id);
    }
  });

  it("resolves lower-case SPDX ids as Hugging Face cards write them", () => {
    assert.equal(resolved({ license: "apache-2.0" }).id, "Apache-2.0");
    assert.equal(resolved({ license: "mit" }).id, "MIT");
    assert.equal(resolved({ license: "BSD-3-clause" }).id, "BSD-3-Clause");
    assert.equal(resolved({ license: "cc-by-nc-4.0" }).id, "CC-BY-NC-4.0");
  });

  it("resolves every Hugging Face model-licence key", () => {
    for (const key of HF_KEYS) {
      const licence = resolved({ license: key });
      assert.equal(licence.id.toLowerCase(), key);
    }
    assert.deepEqual(
      [...MODEL_LICENCES.keys()].sort(),
      HF_KEYS.filter((k) => k !== "cc-by-nc-4.0").sort(),
    );
  });

  it("holds the model-licence texts it lists, and their sha256 is that of the stored text", () => {
    for (const key of WITH_TEXT) {
      const text = licenceText(key);
      assert.ok(text !== null, `${key} has a text`);
      assert.ok(text.text.length > 1000, `${key}'s text is a licence, not a stub`);
      assert.equal(text.sha256, createHash("sha256").update(text.text, "utf8").digest("hex"));
      assert.equal(resolved({ license: key }).textSha256, text.sha256);
    }
    assert.match(licenceText("llama3")?.text ?? "", /^META LLAMA 3 COMMUNITY LICENSE AGREEMENT/);
    assert.match(licenceText("llama3.1")?.text ?? "", /Built with Llama/);
    assert.match(licenceText("creativeml-openrail-m")?.text ?? "", /CreativeML Open RAIL-M/);
    assert.match(licenceText("openrail++")?.text ?? "", /CreativeML Open RAIL\+\+-M/);
    assert.match(licenceText("cc-by-nc-4.0")?.text ?? "", /Attribution-NonCommercial 4\.0/);
  });

  it("says which model licences it holds no text for, rather than inventing one", () => {
    for (const key of ["openrail", "bigscience-openrail-m", "bigscience-bloom-rail-1.0", "gemma"]) {
      assert.equal(licenceText(key), null);
      assert.equal(resolved({ license: key }).textSha256, null);
    }
    assert.equal(licenceText("no-such-licence"), null);
  });

  it("carries the Llama naming, attribution and NOTICE duties", () => {
    const llama3 = resolved({ license: "llama3" });
    assert.equal(llama3.namePrefix, "Llama 3");
    assert.equal(llama3.attributionText, "Built with Meta Llama 3");
    assert.ok(llama3.noticeRequired);
    assert.match(llama3.noticeText ?? "", /^Meta Llama 3 is licensed under/);
    for (const key of ["llama3.1", "llama3.2"]) {
      const licence = resolved({ license: key });
      assert.equal(licence.namePrefix, "Llama");
      assert.equal(licence.attributionText, "Built with Llama");
    }
  });

  it("carries OpenRAIL-M's Attachment A as use restrictions that flow down", () => {
    const rail = resolved({ license: "bigscience-openrail-m" });
    assert.equal(rail.useRestrictions.length, 13);
    for (const id of [
      "medical-advice",
      "law-enforcement",
      "automated-legal-decisions",
      "undisclosed-machine-generated",
    ]) {
      assert.ok(rail.useRestrictions.includes(id), id);
    }
    assert.ok(rail.restrictionsFlowDown);
    assert.ok(resolved({ license: "gemma" }).restrictionsFlowDown);
  });

  it("derives SPDX attributes from the licence family", () => {
    assert.equal(resolved({ license: "CC-BY-NC-4.0" }).commercialUse, false);
    assert.equal(resolved({ license: "CC-BY-ND-4.0" }).derivatives, false);
    assert.equal(resolved({ license: "CC-BY-NC-ND-4.0" }).derivatives, false);
    assert.equal(resolved({ license: "GPL-3.0-only" }).copyleft, true);
    assert.equal(resolved({ license: "AGPL-3.0-or-later" }).copyleft, true);
    assert.equal(resolved({ license: "LGPL-2.1-only" }).copyleft, true);
    assert.equal(resolved({ license: "MPL-2.0" }).copyleft, true);
    assert.equal(resolved({ license: "CC-BY-SA-4.0" }).copyleft, true);
    assert.equal(resolved({ license: "Apache-2.0" }).copyleft, false);
    assert.equal(resolved({ license: "MIT" }).attribution, true);
    assert.equal(resolved({ license: "CC0-1.0" }).attribution, false);
    // NCSA is the University of Illinois licence, not a non-commercial one.
    assert.equal(resolved({ license: "NCSA" }).commercialUse, true);
  });

  it("returns null when the card declares no licence", () => {
    assert.equal(resolveLicence({}), null);
    assert.equal(resolveLicence({ license: null }), null);
    assert.equal(resolveLicence({ license: [] }), null);
  });
});

describe("licence other", () => {
  it("refuses other without license_name or license_link, naming the missing field", () => {
    assert.match(
      refused({ license: "other", license_link: "https://example.org/l" }),
      /missing: license_name$/,
    );
    assert.match(refused({ license: "other", license_name: "acme-l" }), /missing: license_link$/);
    assert.match(refused({ license: "other" }), /missing: license_name and license_link$/);
  });

  it("resolves other with both fields as unreviewed terms that grant nothing checkable", () => {
    const licence = resolved({
      license: "other",
      license_name: "acme-model-licence",
      license_link: "LICENSE",
    });
    assert.equal(licence.family, "other");
    assert.equal(licence.name, "acme-model-licence");
    assert.equal(licence.commercialUse, false);
  });

  it("resolves other whose license_name is a catalogue key to that licence, as Meta's cards write it", () => {
    const licence = resolved({ license: "other", license_name: "llama3", license_link: "LICENSE" });
    assert.equal(licence.id, "llama3");
  });
});

describe("unknown licences", () => {
  it("names the unknown id and suggests the closest known ones", () => {
    const reason = refused({ license: "apache-2" });
    assert.match(reason, /unknown licence "apache-2"/);
    assert.match(reason, /closest known: Apache-2\.0\b/);
    assert.match(refused({ license: "lama3" }), /closest known: llama3\b/);
  });

  it("refuses a licence that is neither a string nor a list of strings", () => {
    assert.match(refused({ license: 3 }), /must be a string or a list of strings/);
    assert.match(refused({ license: ["mit", 3] }), /license\[1\] is not a string/);
  });
});

describe("SPDX expressions", () => {
  it("OR: the licensee may pick, so a permission holds if any alternative grants it", () => {
    const licence = resolved({ license: "CC-BY-NC-4.0 OR MIT" });
    assert.equal(licence.id, "CC-BY-NC-4.0 OR MIT");
    assert.equal(licence.commercialUse, true);
    assert.equal(resolved({ license: "GPL-3.0-only OR MIT" }).copyleft, false);
    assert.equal(resolved({ license: "Apache-2.0 OR MIT" }).attribution, true);
  });

  it("AND: every licence applies, so duties add up and permissions need all", () => {
    const licence = resolved({ license: "CC-BY-NC-4.0 AND MIT" });
    assert.equal(licence.commercialUse, false);
    assert.equal(resolved({ license: "GPL-3.0-only AND MIT" }).copyleft, true);
  });

  it("keeps the licence's facts under a WITH exception", () => {
    const licence = resolved({ license: "GPL-2.0-only WITH Classpath-exception-2.0" });
    assert.equal(licence.id, "GPL-2.0-only WITH Classpath-exception-2.0");
    assert.equal(licence.copyleft, true);
  });

  it("canonicalises case and nests parentheses", () => {
    const licence = resolved({ license: "apache-2.0 and (mit or cc-by-nc-4.0)" });
    assert.equal(licence.id, "Apache-2.0 AND (MIT OR CC-BY-NC-4.0)");
    assert.equal(licence.commercialUse, true);
    assert.equal(licence.textSha256, null);
  });

  it("refuses an expression with an unknown id, a model licence, or bad syntax", () => {
    assert.match(refused({ license: "MIT OR Foo-1.0" }), /unknown licence "Foo-1.0"/);
    assert.match(
      refused({ license: "llama3 OR MIT" }),
      /model licence and cannot appear in an SPDX expression/,
    );
    assert.match(refused({ license: "MIT AND" }), /not a valid SPDX expression/);
  });

  it("reads a list of licences as all of them applying", () => {
    const licence = resolved({ license: ["apache-2.0", "cc-by-nc-4.0"] });
    assert.equal(licence.id, "Apache-2.0 AND CC-BY-NC-4.0");
    assert.equal(licence.commercialUse, false);
    assert.equal(resolved({ license: ["llama3"] }).id, "llama3");
    const merged = resolved({ license: ["llama3", "gemma"] });
    assert.ok(merged.useRestrictions.includes("sexually-explicit"));
    assert.ok(merged.useRestrictions.includes("military-warfare"));
  });
});
