import { useCallback, useState } from "react";

/** A form's field errors by field name, and the props that tie each field to its error for screen readers. */
export function useFieldErrors<F extends string>(formId: string) {
  const [errors, setErrors] = useState<Partial<Record<F, string>>>({});
  const idOf = useCallback((field: F) => `${formId}-${field}`, [formId]);
  const errorIdOf = useCallback((field: F) => `${formId}-${field}-error`, [formId]);
  /** What a field needs: its id, and when it is wrong, aria-invalid and the id of its message. */
  const fieldProps = useCallback(
    (field: F) => ({
      id: idOf(field),
      "aria-invalid": errors[field] === undefined ? undefined : true,
      "aria-describedby": errors[field] === undefined ? undefined : errorIdOf(field),
    }),
    [errors, idOf, errorIdOf],
  );
  /** Shows `found`; when any, moves the focus to the first wrong field and answers false. */
  const check = useCallback(
    (found: Partial<Record<F, string>>, order: readonly F[]): boolean => {
      setErrors(found);
      const first = order.find((f) => found[f] !== undefined);
      if (first !== undefined) {
        document.getElementById(idOf(first))?.focus();
        return false;
      }
      return true;
    },
    [idOf],
  );
  return { errors, fieldProps, errorIdOf, check, idOf };
}

/** What useFieldErrors gives a form, for a piece of the form that draws some of its fields. */
export type FieldErrors<F extends string> = ReturnType<typeof useFieldErrors<F>>;
