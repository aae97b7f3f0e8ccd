/** One API call a client made, as the control API shows it. */
export interface RecordedCall {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  durationMs: number;
  /** The parsed JSON (or form) body, when there was one; token-endpoint secrets are masked. */
  body: unknown;
}

const MAX_CALLS = 20_000;
const SECRET_KEYS = new Set(['client_secret', 'refresh_token', 'code', 'password', 'code_verifier', 'client_assertion']);

/** Masks secret form fields so the call log can be shown without leaking them. */
export function maskSecrets(parameters: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of parameters) out[key] = SECRET_KEYS.has(key) ? '***' : value;
  return out;
}

/** What the client did, newest last, bounded so a long demo does not grow without end. */
export class CallLog {
  private readonly calls: RecordedCall[] = [];
  private seq = 0;

  add(call: Omit<RecordedCall, 'seq'>): RecordedCall {
    this.seq += 1;
    const recorded = { ...call, seq: this.seq };
    this.calls.push(recorded);
    if (this.calls.length > MAX_CALLS) this.calls.splice(0, this.calls.length - MAX_CALLS);
    return recorded;
  }

  list(filter: { since?: number; method?: string; pathPrefix?: string; limit?: number } = {}): RecordedCall[] {
    const selected = this.calls.filter(
      (call) =>
        (filter.since === undefined || call.seq > filter.since) &&
        (filter.method === undefined || call.method === filter.method.toUpperCase()) &&
        (filter.pathPrefix === undefined || call.path.startsWith(filter.pathPrefix)),
    );
    return filter.limit === undefined ? selected : selected.slice(-filter.limit);
  }

  get lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.calls.length = 0;
  }
}
