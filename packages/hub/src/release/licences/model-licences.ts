import type { LicenceFacts } from "../policy-input.js";
import type { TextSource } from "./licence-text.js";
import {
  CREATIVEML_OPENRAIL_M_RESTRICTIONS,
  GEMMA_PUP_RESTRICTIONS,
  LLAMA_AUP_RESTRICTIONS,
  OPENRAIL_M_RESTRICTIONS,
} from "./use-restrictions.js";

/** One licence of the catalogue: its facts (the text's hash is added when read) and where its text is. */
export interface CatalogueEntry {
  readonly facts: Omit<LicenceFacts, "textSha256">;
  /** null when the catalogue holds no text for it (see docs/licences.md). */
  readonly text: TextSource | null;
}

const RAIL = {
  family: "model",
  commercialUse: true,
  derivatives: true,
  // ¶4d: keep the copyright and attribution notices.
  attribution: true,
  copyleft: false,
  // ¶4a: the use-based restrictions go into every downstream licence.
  restrictionsFlowDown: true,
  noticeRequired: false,
  noticeText: null,
  namePrefix: null,
  attributionText: null,
} as const;

const LLAMA = {
  family: "model",
  // Allowed below 700M monthly active users (§2); the cap is a policy matter, not a licence attribute here.
  commercialUse: true,
  derivatives: true,
  attribution: true,
  copyleft: false,
  // The AUP binds every use of the Llama Materials and their derivatives (§1.b.iv).
  restrictionsFlowDown: true,
  noticeRequired: true,
  useRestrictions: LLAMA_AUP_RESTRICTIONS,
} as const;

/**
 * The model licences of the catalogue, under the keys Hugging Face model cards
 * use in `license`. `other` is not here: it is resolved from the card's
 * `license_name` and `license_link`.
 */
export const MODEL_LICENCES: ReadonlyMap<string, CatalogueEntry> = new Map<string, CatalogueEntry>([
  [
    "openrail",
    {
      // The Hub's generic OpenRAIL key; read as BigScience OpenRAIL-M, the family's reference text.
      facts: {
        ...RAIL,
        id: "openrail",
        name: "OpenRAIL-M (BigScience Open RAIL-M)",
        useRestrictions: OPENRAIL_M_RESTRICTIONS,
      },
      text: null,
    },
  ],
  [
    "bigscience-openrail-m",
    {
      facts: {
        ...RAIL,
        id: "bigscience-openrail-m",
        name: "BigScience Open RAIL-M",
        useRestrictions: OPENRAIL_M_RESTRICTIONS,
      },
      text: null,
    },
  ],
  [
    "creativeml-openrail-m",
    {
      facts: {
        ...RAIL,
        id: "creativeml-openrail-m",
        name: "CreativeML Open RAIL-M",
        useRestrictions: CREATIVEML_OPENRAIL_M_RESTRICTIONS,
      },
      text: { kind: "file", file: "creativeml-openrail-m.txt" },
    },
  ],
  [
    "openrail++",
    {
      facts: {
        ...RAIL,
        id: "openrail++",
        name: "CreativeML Open RAIL++-M",
        useRestrictions: CREATIVEML_OPENRAIL_M_RESTRICTIONS,
      },
      text: { kind: "file", file: "openrail++.txt" },
    },
  ],
  [
    "bigscience-bloom-rail-1.0",
    {
      facts: {
        ...RAIL,
        id: "bigscience-bloom-rail-1.0",
        name: "BigScience RAIL License v1.0 (BLOOM)",
        useRestrictions: OPENRAIL_M_RESTRICTIONS,
      },
      text: null,
    },
  ],
  [
    "llama2",
    {
      facts: {
        ...LLAMA,
        id: "llama2",
        name: "Llama 2 Community License Agreement",
        noticeText:
          "Llama 2 is licensed under the LLAMA 2 Community License, Copyright (c) Meta Platforms, Inc. All Rights Reserved.",
        // Llama 2 asks for neither a name prefix nor a "Built with" line.
        namePrefix: null,
        attributionText: null,
      },
      text: { kind: "file", file: "llama2.txt" },
    },
  ],
  [
    "llama3",
    {
      facts: {
        ...LLAMA,
        id: "llama3",
        name: "Meta Llama 3 Community License Agreement",
        noticeText:
          "Meta Llama 3 is licensed under the Meta Llama 3 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved.",
        namePrefix: "Llama 3",
        attributionText: "Built with Meta Llama 3",
      },
      text: { kind: "file", file: "llama3.txt" },
    },
  ],
  [
    "llama3.1",
    {
      facts: {
        ...LLAMA,
        id: "llama3.1",
        name: "Llama 3.1 Community License Agreement",
        noticeText:
          "Llama 3.1 is licensed under the Llama 3.1 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved.",
        namePrefix: "Llama",
        attributionText: "Built with Llama",
      },
      text: { kind: "file", file: "llama3.1.txt" },
    },
  ],
  [
    "llama3.2",
    {
      facts: {
        ...LLAMA,
        id: "llama3.2",
        name: "Llama 3.2 Community License Agreement",
        noticeText:
          "Llama 3.2 is licensed under the Llama 3.2 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved.",
        namePrefix: "Llama",
        attributionText: "Built with Llama",
      },
      text: { kind: "file", file: "llama3.2.txt" },
    },
  ],
  [
    "gemma",
    {
      facts: {
        id: "gemma",
        name: "Gemma Terms of Use",
        family: "model",
        commercialUse: true,
        derivatives: true,
        attribution: true,
        copyleft: false,
        useRestrictions: GEMMA_PUP_RESTRICTIONS,
        // §3.1: the §3.2 restrictions go into every downstream agreement, distillation included (§1.1).
        restrictionsFlowDown: true,
        noticeRequired: true,
        noticeText:
          "Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms",
        namePrefix: null,
        attributionText: null,
      },
      text: null,
    },
  ],
]);
