import { FieldError } from "../components/field-error.js";
import type { FieldErrors } from "../components/use-field-errors.js";

/** Why a change is asked for: the hub keeps it with the change, up to 2,000 characters. */
export function ReasonField({
  label,
  value,
  onChange,
  fields,
}: {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  /** The form's field errors, in which this one is `reason`. */
  readonly fields: Pick<FieldErrors<"reason">, "errors" | "fieldProps" | "errorIdOf">;
}) {
  return (
    <div className="field">
      <label htmlFor={fields.fieldProps("reason").id}>{label}</label>
      <textarea
        {...fields.fieldProps("reason")}
        rows={2}
        maxLength={2000}
        value={value}
        onChange={(e) => {
          onChange(e.target.value);
        }}
      />
      <FieldError id={fields.errorIdOf("reason")} message={fields.errors.reason} />
    </div>
  );
}
