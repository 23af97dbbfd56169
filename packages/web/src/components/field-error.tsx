/** A field's error message, announced when it appears; nothing when the field is right. */
export function FieldError({
  id,
  message,
}: {
  readonly id: string;
  readonly message?: string | undefined;
}) {
  if (message === undefined) {
    return null;
  }
  return (
    <p id={id} className="field-error">
      {message}
    </p>
  );
}
