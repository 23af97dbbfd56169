import { useMemo } from "react";
import { renderMarkdown } from "./render-markdown.js";

/** A model card rendered from its Markdown, sanitised (see renderMarkdown). */
export function ModelCard({ markdown }: { readonly markdown: string }) {
  const html = useMemo(() => renderMarkdown(markdown), [markdown]);
  // Sanitised by DOMPurify just above; this is the one place the UI inserts HTML.
  return <article className="card-body" dangerouslySetInnerHTML={{ __html: html }} />;
}
