import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request a loopback server received. */
export interface RecordedRequest {
  readonly method: string;
  /** Path with query string. */
  readonly path: string;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body, the raw text when it is not JSON, `undefined` when empty. */
  readonly body: unknown;
}

export type RequestHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  recorded: RecordedRequest,
) => unknown;

/** A node:http server on 127.0.0.1 that can be taken down (connections refused) and brought back on the same port. */
export interface HttpServerHandle {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /**
   * Sockets currently open, idle keep-alive connections included: a client's pool may hold one
   * open for seconds after its request ended (Node 22's fetch opens a spare one), so use
   * `openRequests()` to see whether a request's connection was closed.
   */
  openConnections(): number;
  /**
   * Requests the server is still answering: neither finished nor closed by the client. A request
   * whose client aborted it counts down once its socket has closed.
   */
  openRequests(): number;
  /** Stops listening and drops every connection: new connections are refused. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts a loopback HTTP server; `port` 0 picks a free one. */
export async function startHttpServer(
  handler: RequestHandler,
  options: { port?: number; record?: boolean } = {},
): Promise<HttpServerHandle> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const inFlight = new Set<ServerResponse>();
  const record = options.record ?? true;
  let server: Server | undefined;

  const create = () => {
    const created = createServer(async (request, response) => {
      inFlight.add(response);
      response.once('close', () => inFlight.delete(response));
      try {
        const recorded: RecordedRequest = {
          method: request.method ?? 'GET',
          path: request.url ?? '/',
          headers: flattenHeaders(request),
          body: await readBody(request),
        };
        if (record) requests.push(recorded);
        await handler(request, response, recorded);
      } catch (error) {
        if (!response.headersSent) {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { message: `loopback server error: ${String(error)}` } }));
        } else response.destroy();
      }
    });
    created.keepAliveTimeout = 5_000;
    created.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    return created;
  };

  server = create();
  const port = await listen(server, options.port ?? 0);

  const stop = async () => {
    const current = server;
    server = undefined;
    if (!current) return;
    const closed = new Promise<void>((resolve) => current.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    current.closeAllConnections();
    await closed;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    openConnections: () => sockets.size,
    openRequests: () => inFlight.size,
    down: stop,
    async up() {
      if (server) return;
      server = create();
      await listen(server, port);
    },
    close: stop,
  };
}
