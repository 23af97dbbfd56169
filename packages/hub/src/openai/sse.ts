import type { FastifyReply } from "fastify";

/**
 * Takes the response over from Fastify and opens it as a stream of
 * server-sent events, with the headers Fastify already set (the request id)
 * and `headers`.
 */
export function openEventStream(
  reply: FastifyReply,
  headers: Readonly<Record<string, string>>,
): void {
  reply.hijack();
  const own = Object.fromEntries(
    Object.entries(reply.getHeaders()).filter(([, v]) => v !== undefined),
  );
  reply.raw.writeHead(200, {
    ...own,
    ...headers,
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
}

/** Sends one event, `data: …` (JSON, or a bare text such as `[DONE]`), unless the client has gone. */
export function sendEvent(reply: FastifyReply, data: object | string): void {
  if (!reply.raw.destroyed && !reply.raw.writableEnded) {
    reply.raw.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
  }
}

/**
 * The `data` of each server-sent event in `body`, in order: the lines of one
 * event joined by newlines; comments and other fields are skipped
 * (WHATWG HTML, "Parsing an event stream").
 */
export async function* eventData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let end = buffer.search(/\r\n|\r|\n/);
    // A CR at the end may be the first half of a CRLF cut between two chunks: it waits.
    while (end >= 0 && !(end === buffer.length - 1 && buffer.endsWith("\r"))) {
      const line = buffer.slice(0, end);
      const width = buffer.startsWith("\r\n", end) ? 2 : 1;
      buffer = buffer.slice(end + width);
      if (line === "") {
        if (data.length > 0) {
          yield data.join("\n");
          data = [];
        }
      } else if (line.startsWith("data:")) {
        data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
      }
      end = buffer.search(/\r\n|\r|\n/);
    }
  }
  if (data.length > 0) {
    yield data.join("\n");
  }
}
