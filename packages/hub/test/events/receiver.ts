import http, { type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** How the receiver answers one request: a status, no answer at all, or a dropped connection. */
export type Answer = number | "hang" | "close";

/** A request the receiver got, and what it answered. */
export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly answer: Answer;
}

/**
 * A real webhook receiver on 127.0.0.1: answers each request with the next
 * entry of its plan (200 once the plan is used up) and keeps what it got.
 */
export class Receiver {
  readonly received: Received[] = [];
  private readonly plan: Answer[] = [];
  private readonly hanging: ServerResponse[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(path = "/hook"): Promise<Receiver> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const receiver = new Receiver(server, `http://127.0.0.1:${port}${path}`);
    server.on("request", (req: http.IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        receiver.answer(req.headers, Buffer.concat(chunks).toString("utf8"), res);
      });
    });
    return receiver;
  }

  /** Answers the next requests so, in order. */
  willAnswer(...answers: Answer[]): void {
    this.plan.push(...answers);
  }

  /** The bodies received, parsed, of the requests answered 2xx. */
  accepted(): { type: string; timestamp: string; data: Record<string, unknown> }[] {
    return this.received
      .filter((r) => typeof r.answer === "number" && r.answer >= 200 && r.answer < 300)
      .map(
        (r) =>
          JSON.parse(r.body) as { type: string; timestamp: string; data: Record<string, unknown> },
      );
  }

  /** Verifies a received request's signature with the Standard Webhooks package, as a receiver would. */
  static verify(secret: string, received: Received): unknown {
    const headers: Record<string, string> = {};
    for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
      const value = received.headers[name];
      headers[name] = typeof value === "string" ? value : "";
    }
    return new Webhook(secret).verify(received.body, headers);
  }

  private answer(headers: IncomingHttpHeaders, body: string, res: ServerResponse): void {
    const answer = this.plan.shift() ?? 200;
    this.received.push({ headers, body, answer });
    if (answer === "hang") {
      this.hanging.push(res);
    } else if (answer === "close") {
      res.socket?.destroy();
    } else {
      res.writeHead(answer).end();
    }
  }

  async close(): Promise<void> {
    for (const res of this.hanging) {
      res.socket?.destroy();
    }
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }
}
