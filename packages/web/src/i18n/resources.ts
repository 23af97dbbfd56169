/** The languages of the UI; each has one JSON file of strings per namespace, with the same keys. */
export const LANGUAGES = ["en", "zh"] as const;
export type Language = (typeof LANGUAGES)[number];

type Strings = Record<string, unknown>;

const files = import.meta.glob<Strings>("./*/*.json", { eager: true, import: "default" });

/** `{ en: { common: {...}, model: {...} }, zh: {...} }`, from `./<language>/<namespace>.json`. */
export const resources: Record<string, Record<string, Strings>> = {};
for (const [file, strings] of Object.entries(files)) {
  const [, language, namespace] = /^\.\/([^/]+)\/([^/]+)\.json$/.exec(file) ?? [];
  if (language !== undefined && namespace !== undefined) {
    (resources[language] ??= {})[namespace] = strings;
  }
}

export const NAMESPACES: readonly string[] = Object.keys(resources.en ?? {});
