import { useMemo } from "react";
import { useTranslation } from "react-i18next";

/** Dates, numbers and sizes written the way the UI's current language writes them. */
export interface Format {
  date(iso: string | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
  number(n: number): string;
  bytes(n: number): string;
}

const UNITS = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"] as const;

/** The formatters for the language the UI shows now; they change when it does. */
export function useFormat(): Format {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage === "zh" ? "zh-CN" : "en";
  return useMemo(() => {
    const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium" });
    const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
    const number = new Intl.NumberFormat(locale);
    const when = (fmt: Intl.DateTimeFormat, iso: string | null | undefined) =>
      iso === null || iso === undefined || iso === "" ? "—" : fmt.format(new Date(iso));
    return {
      date: (iso) => when(date, iso),
      dateTime: (iso) => when(dateTime, iso),
      number: (n) => number.format(n),
      bytes(n) {
        let unit = 0;
        let value = n;
        while (value >= 1024 && unit < UNITS.length - 1) {
          value /= 1024;
          unit += 1;
        }
        return new Intl.NumberFormat(locale, {
          style: "unit",
          unit: UNITS[unit],
          unitDisplay: "short",
          maximumFractionDigits: unit === 0 ? 0 : 1,
        }).format(value);
      },
    };
  }, [locale]);
}
