import DOMPurify from "dompurify";
import { Marked } from "marked";

const marked = new Marked({ gfm: true, async: false });

// Links a card holds leave the hub: they must not reach back into this page (reverse tabnabbing).
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.getAttribute("href")?.match(/^[a-z][a-z0-9+.-]*:/i)) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer nofollow");
  }
});

/**
 * A model card's Markdown as HTML that is safe to insert: whatever the card
 * holds, no script, event handler, form, frame or style survives, and links
 * are only http(s), mailto or relative (DOMPurify's defaults, narrowed).
 */
export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown) as string;
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: [
      "style",
      "form",
      "input",
      "button",
      "textarea",
      "select",
      "iframe",
      "object",
      "embed",
    ],
    FORBID_ATTR: ["style", "srcset", "formaction"],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#|\/|\.\/|\.\.\/|[^:]*$)/i,
  });
}
