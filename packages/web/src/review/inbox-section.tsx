import { useState, type ReactNode } from "react";
import { useApi } from "../api/use-api.js";
import { ErrorMessage, Loading } from "../components/feedback.js";

/**
 * One list of the inbox: what `path` answers, drawn by `children`, under a
 * heading that counts it once it is in, with the message of the last
 * decision taken in it. A decision (`done`) asks for the list again.
 */
export function InboxSection<T>({
  path,
  titleId,
  title,
  count,
  children,
}: {
  readonly path: string;
  readonly titleId: string;
  /** The heading, with the list's length once it is known. */
  readonly title: (count: number | null) => string;
  readonly count: (list: T) => number;
  readonly children: (list: T, done: (message: string) => void) => ReactNode;
}) {
  const [loaded, reload] = useApi<T>(path);
  const [message, setMessage] = useState<string | null>(null);
  const done = (text: string) => {
    setMessage(text);
    reload();
  };
  let body: ReactNode;
  if (loaded.state === "loading") {
    body = <Loading />;
  } else if (loaded.state === "failed") {
    body = <ErrorMessage error={loaded.error} />;
  } else {
    body = children(loaded.body, done);
  }
  return (
    <section className="inbox-section" aria-labelledby={titleId}>
      <h2 id={titleId}>{title(loaded.state === "done" ? count(loaded.body) : null)}</h2>
      <div role="status" className="inbox-status">
        {message === null ? null : <p className="notice">{message}</p>}
      </div>
      {body}
    </section>
  );
}
