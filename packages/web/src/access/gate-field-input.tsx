import { useTranslation } from "react-i18next";
import type { GateField } from "./access-types.js";
import { countryList } from "./country-names.js";

interface Props {
  readonly id: string;
  readonly field: GateField;
  readonly value: string | boolean | undefined;
  /** The message saying what is wrong with the answer, shown under it; null when nothing is. */
  readonly error: string | null;
  readonly onChange: (value: string | boolean) => void;
}

/**
 * One question of the access form, as its type asks: text, a checkbox, a
 * date, a country named in the UI's language, or a choice among options.
 * The label is the card's own words; the hub's question on a licence's cap
 * on users is said in the UI's language.
 */
export function GateFieldInput({ id, field, value, error, onChange }: Props) {
  const { t, i18n } = useTranslation("access");
  const errorId = `${id}-error`;
  const invalid = error !== null;
  const common = {
    id,
    name: field.label,
    "aria-invalid": invalid,
    "aria-describedby": invalid ? errorId : undefined,
    "aria-required": true,
  } as const;
  const label = field.number === true ? t("form.monthlyActiveUsers") : field.label;
  const text = typeof value === "string" ? value : "";
  const message = invalid ? (
    <p className="field-error" id={errorId}>
      {error}
    </p>
  ) : null;
  if (field.type === "checkbox") {
    return (
      <div className="field gate-checkbox">
        <div className="checkbox-row">
          <input
            {...common}
            type="checkbox"
            checked={value === true}
            onChange={(event) => {
              onChange(event.target.checked);
            }}
          />
          <label htmlFor={id}>{label}</label>
        </div>
        {message}
      </div>
    );
  }
  let input;
  if (field.number === true) {
    input = (
      <input
        {...common}
        inputMode="numeric"
        autoComplete="off"
        value={text}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
    );
  } else if (field.type === "date_picker") {
    input = (
      <input
        {...common}
        type="date"
        value={text}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
    );
  } else if (field.type === "country") {
    input = (
      <select
        {...common}
        value={text}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      >
        <option value="">{t("form.chooseCountry")}</option>
        {countryList(i18n.resolvedLanguage ?? "en").map((country) => (
          <option key={country.code} value={country.code}>
            {country.name}
          </option>
        ))}
      </select>
    );
  } else if (field.type === "select") {
    input = (
      <select
        {...common}
        value={text}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      >
        <option value="">{t("form.choose")}</option>
        {field.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    );
  } else {
    input = (
      <input
        {...common}
        maxLength={1000}
        value={text}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {input}
      {message}
    </div>
  );
}
