import countries from "i18n-iso-countries";
import en from "i18n-iso-countries/langs/en.json";
import zh from "i18n-iso-countries/langs/zh.json";

countries.registerLocale(en);
countries.registerLocale(zh);

/** A country as a select offers it: its ISO 3166-1 alpha-2 code and its name in the UI's language. */
export interface Country {
  readonly code: string;
  readonly name: string;
}

const cache = new Map<string, readonly Country[]>();

/**
 * Every ISO 3166-1 country, named in `language` (`en` or `zh`) and sorted as
 * that language sorts (Chinese by pinyin).
 */
export function countryList(language: string): readonly Country[] {
  const lang = language === "zh" ? "zh" : "en";
  const known = cache.get(lang);
  if (known !== undefined) {
    return known;
  }
  const collator = new Intl.Collator(lang === "zh" ? "zh-CN-u-co-pinyin" : "en");
  const list = Object.entries(countries.getNames(lang, { select: "official" }))
    .map(([code, name]) => ({ code, name }))
    .sort((a, b) => collator.compare(a.name, b.name));
  cache.set(lang, list);
  return list;
}

/** The name of a country code in `language`, or the code itself when unknown. */
export function countryName(code: string, language: string): string {
  return countries.getName(code, language === "zh" ? "zh" : "en") ?? code;
}
