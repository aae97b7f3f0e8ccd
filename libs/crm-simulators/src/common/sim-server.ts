import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DroppedConnection, sendEmpty, sendJson, SimHttpError } from './http-kit';

export type RequestHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

export interface ListeningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Runs one simulated CRM on node:http: routes through `handler`, turns a
 * thrown `SimHttpError` into its answer, a `DroppedConnection` into a reset
 * socket, and anything else into `unexpected` (the CRM's own 500 shape) so no
 * input crashes the process.
 */
export async function listen(
  handler: RequestHandler,
  port: number,
  host: string,
  unexpected: (error: unknown) => { status: number; body: unknown },
): Promise<ListeningServer> {
  const server: Server = createServer((request, response) => {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://simulator');
    } catch {
      sendJson(response, 400, { error: { message: 'Malformed request URL', status: 400 } });
      return;
    }
    handler(request, response, url).catch((error: unknown) => {
      if (response.headersSent) {
        response.end();
        return;
      }
      if (error instanceof DroppedConnection) {
        request.socket.destroy();
        return;
      }
      if (error instanceof SimHttpError) {
        if (error.body === undefined) sendEmpty(response, error.status, error.headers);
        else sendJson(response, error.status, error.body, error.headers);
        return;
      }
      const answer = unexpected(error);
      sendJson(response, answer.status, answer.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? (address satisfies AddressInfo).port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${boundPort}`,
    port: boundPort,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Records the status of an answer once it is sent (handlers throw or return in many places). */
export function onFinished(response: ServerResponse, done: (status: number) => void): void {
  response.once('finish', () => done(response.statusCode));
  response.once('close', () => {
    if (!response.writableFinished) done(0);
  });
}
