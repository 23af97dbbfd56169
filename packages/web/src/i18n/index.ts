import i18n from "i18next";
import LanguageDetector from "i18next-browser-languagedetector";
import { initReactI18next } from "react-i18next";
import { LANGUAGES, NAMESPACES, resources } from "./resources.js";

/** The `lang` attribute for each language of the UI (screen readers and fonts use it). */
const HTML_LANG: Record<string, string> = { en: "en", zh: "zh-CN" };

/**
 * Sets up translation: the language chosen before (kept in localStorage),
 * else the browser's, else English; `<html lang>` follows the choice.
 */
export async function startI18n(): Promise<void> {
  i18n.on("languageChanged", () => {
    // `language` is what was asked for ("zh-TW", "en-GB"); `resolvedLanguage` is what is shown.
    document.documentElement.lang = HTML_LANG[i18n.resolvedLanguage ?? "en"] ?? "en";
  });
  await i18n
    .use(LanguageDetector)
    .use(initReactI18next)
    .init({
      resources,
      ns: [...NAMESPACES],
      defaultNS: "common",
      supportedLngs: [...LANGUAGES],
      nonExplicitSupportedLngs: true,
      load: "languageOnly",
      fallbackLng: "en",
      interpolation: { escapeValue: false },
      detection: {
        order: ["localStorage", "navigator"],
        lookupLocalStorage: "gatehouse.language",
        caches: ["localStorage"],
      },
      returnNull: false,
    });
}

export { i18n };
