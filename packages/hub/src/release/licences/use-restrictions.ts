/**
 * The vocabulary of use restrictions: one kebab-case identifier per use a
 * licence's acceptable-use list forbids. Licences share identifiers where
 * their clauses forbid the same use, so that "the child keeps every
 * restriction of its base" is a set comparison. The lists below follow the
 * licence texts clause by clause; docs/licences.md maps each identifier back
 * to the clause it stands for.
 */

/** BigScience OpenRAIL-M, Attachment A (a)–(m), in the attachment's order. */
export const OPENRAIL_M_RESTRICTIONS = [
  "illegal", // (a)
  "harm-minors", // (b)
  "harmful-false-information", // (c)
  "harmful-pii", // (d)
  "undisclosed-machine-generated", // (e)
  "defamation-harassment", // (f)
  "impersonation", // (g)
  "automated-legal-decisions", // (h)
  "discrimination-social-behaviour", // (i)
  "exploit-vulnerabilities", // (j)
  "discrimination-protected-traits", // (k)
  "medical-advice", // (l)
  "law-enforcement", // (m): justice, law enforcement, immigration or asylum
] as const;

/**
 * CreativeML OpenRAIL-M and OpenRAIL++-M: the BigScience list without (e)
 * (undisclosed machine-generated content) and (g) (impersonation), as their
 * Attachment A reads.
 */
export const CREATIVEML_OPENRAIL_M_RESTRICTIONS = OPENRAIL_M_RESTRICTIONS.filter(
  (id) => id !== "undisclosed-machine-generated" && id !== "impersonation",
);

/**
 * The Llama acceptable use policies (Llama 2, 3, 3.1, 3.2), by their four groups:
 * illegal or rights-violating use, risk of death or bodily harm, deception, and
 * failing to disclose dangers to end users.
 */
export const LLAMA_AUP_RESTRICTIONS = [
  // 1. violate the law or others' rights
  "illegal",
  "violence-terrorism",
  "csam",
  "human-trafficking",
  "harm-minors",
  "harassment",
  "discrimination-protected-traits",
  "unlicensed-professional-practice",
  "harmful-pii",
  "rights-infringement",
  "malware",
  // 2. risk of death or bodily harm
  "military-warfare",
  "weapons",
  "illegal-drugs",
  "critical-infrastructure",
  "self-harm",
  "violence",
  // 3. deceive or mislead
  "fraud",
  "harmful-false-information",
  "defamation-harassment",
  "spam",
  "impersonation",
  "undisclosed-machine-generated",
  // 4. fail to disclose known dangers to end users
  "undisclosed-dangers",
] as const;

/** The Gemma Prohibited Use Policy (21 Feb 2024). */
export const GEMMA_PUP_RESTRICTIONS = [
  "rights-infringement",
  "illegal",
  "csam",
  "illegal-drugs",
  "violence-terrorism",
  "unlicensed-professional-practice",
  "spam",
  "fraud",
  "malware",
  "circumvent-safety-filters",
  "hate",
  "harassment",
  "violence",
  "self-harm",
  "harmful-pii",
  "discrimination-protected-traits",
  "impersonation",
  "harmful-false-information",
  "sexually-explicit",
] as const;
