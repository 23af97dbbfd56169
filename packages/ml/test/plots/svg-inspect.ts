// Small checks on rendered SVG text, so the tests need no XML library.

const NAME = /^[A-Za-z_][\w.:-]*$/;
const ENTITY = /^&(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/;

/**
 * Throws unless `text` is well-formed XML: tags nest and close, attributes are quoted, and
 * every `&` starts an entity. Enough to catch unescaped label text.
 */
export function assertWellFormedXml(text: string): void {
  const open: string[] = [];
  let i = 0;
  let roots = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "&") {
      if (!ENTITY.test(text.slice(i, i + 12))) {
        throw new Error(`bare '&' at offset ${i}: ${text.slice(i, i + 20)}`);
      }
      i += 1;
      continue;
    }
    if (c !== "<") {
      if (open.length === 0 && c !== undefined && c.trim() !== "") {
        throw new Error(`text outside the root element at offset ${i}`);
      }
      i += 1;
      continue;
    }
    const end = findTagEnd(text, i);
    const tag = text.slice(i + 1, end);
    i = end + 1;
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim();
      const expected = open.pop();
      if (name !== expected) {
        throw new Error(`closing </${name}> does not match <${expected ?? "nothing"}>`);
      }
      continue;
    }
    const selfClosing = tag.endsWith("/");
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const name = body.split(/\s/, 1)[0] ?? "";
    if (!NAME.test(name)) {
      throw new Error(`bad element name '${name}'`);
    }
    const attrs = body.slice(name.length);
    const attrPattern = /\s+([A-Za-z_][\w.:-]*)="([^"<]*)"/y;
    let at = 0;
    while (at < attrs.trimEnd().length) {
      attrPattern.lastIndex = at;
      const m = attrPattern.exec(attrs);
      if (m === null) {
        throw new Error(`bad attributes in <${name}>: ${attrs.slice(at, at + 40)}`);
      }
      at = attrPattern.lastIndex;
    }
    if (open.length === 0) {
      roots += 1;
    }
    if (!selfClosing) {
      open.push(name);
    }
  }
  if (open.length > 0 || roots !== 1) {
    throw new Error(`unclosed elements: ${open.join(" > ")} (${roots} root elements)`);
  }
}

function findTagEnd(text: string, start: number): number {
  let quoted = false;
  for (let i = start + 1; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') {
      quoted = !quoted;
    } else if (c === "<" && !quoted) {
      throw new Error(`'<' inside a tag at offset ${i}`);
    } else if (c === ">" && !quoted) {
      return i;
    }
  }
  throw new Error(`tag at offset ${start} never closes`);
}

/** The inner SVG of every mark group whose class list has `role-mark` and `className`. */
export function markGroups(svg: string, className: string): string[] {
  const groups: string[] = [];
  const pattern = new RegExp(`<g class="mark-[a-z]+ role-mark ${className}"[^>]*>`, "g");
  for (const m of svg.matchAll(pattern)) {
    const from = m.index + m[0].length;
    // Mark groups of lines, rects, symbols and text hold items only, no nested group.
    groups.push(svg.slice(from, svg.indexOf("</g>", from)));
  }
  return groups;
}

export function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** The texts of all `<text>` elements, entities left as they are. */
export function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? "");
}
