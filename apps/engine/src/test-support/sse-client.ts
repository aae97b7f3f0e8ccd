/** One Server-Sent Event as a browser's EventSource would see it. */
export interface ReceivedEvent {
  id: string | null;
  event: string;
  data: unknown;
}

export interface SseConnection {
  events: ReceivedEvent[];
  /** The last id received (what EventSource would send as Last-Event-ID). */
  lastId(): string | null;
  /** Waits until an event matches (it may have come already). */
  waitFor(match: (event: ReceivedEvent) => boolean, what: string, timeoutMs?: number): Promise<ReceivedEvent>;
  close(): void;
  status: number;
}

function parseData(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Opens `GET /api/stream` the way EventSource does (Accept: text/event-stream,
 * Last-Event-ID on a reconnect) and parses the frames as they arrive.
 */
export async function openStream(baseUrl: string, token: string | null, lastEventId?: string | null): Promise<SseConnection> {
  const controller = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (lastEventId) headers['last-event-id'] = lastEventId;
  const response = await fetch(`${baseUrl}/api/stream`, { headers, signal: controller.signal });
  const events: ReceivedEvent[] = [];
  const waiters: { match: (event: ReceivedEvent) => boolean; resolve: (event: ReceivedEvent) => void }[] = [];
  let last: string | null = lastEventId ?? null;

  const dispatch = (block: string) => {
    let id: string | null = null;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':') || line === '') continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (id !== null) last = id;
    if (data.length === 0) return;
    const received = { id, event, data: parseData(data.join('\n')) };
    events.push(received);
    for (const waiter of [...waiters]) {
      if (waiter.match(received)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(received);
      }
    }
  };

  if (response.status === 200 && response.body) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end = buffer.indexOf('\n\n');
          while (end !== -1) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // Closed by us.
      }
    })();
  }

  return {
    events,
    status: response.status,
    lastId: () => last,
    waitFor: (match, what, timeoutMs = 10_000) => {
      const found = events.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no stream event: ${what}`)), timeoutMs);
        waiters.push({
          match,
          resolve: (event) => {
            clearTimeout(timer);
            resolve(event);
          },
        });
      });
    },
    close: () => controller.abort(),
  };
}
