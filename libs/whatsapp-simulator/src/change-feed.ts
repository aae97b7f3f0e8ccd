import type { ServerResponse } from 'node:http';

/**
 * Server-sent events for the phone page: every change of what a phone shows
 * (a message either way, a status, a preference) pings the open pages, which
 * then fetch what they need. Pings are coalesced so a burst sends one.
 */
export class ChangeFeed {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | null = null;

  subscribe(response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    response.write('retry: 2000\n\n');
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
  }

  changed(): void {
    if (this.timer || this.clients.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      for (const client of this.clients) client.write('event: change\ndata: {}\n\n');
    }, 25);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}
