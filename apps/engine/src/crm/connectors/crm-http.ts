import { CrmError } from './crm-error';

export interface CrmHttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  /** Calls that authenticate (token requests) skip the auth header and the refresh-and-repeat. */
  anonymous?: boolean;
  /** A batch write: an answer listing an outcome per record (Zoho's 207, or 400 when every record failed) goes back to the caller. */
  perRecord?: boolean;
}

export interface CrmHttpAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface CrmHttpPolicy {
  /** The connector's error table: the CrmError for an answer, or null when it is a success. */
  classify(answer: CrmHttpAnswer, request: CrmHttpRequest): CrmError | null;
  /** Reads limit headers (quota, burst window) after every answer. */
  observe(answer: CrmHttpAnswer): void;
  /** The Authorization header value; called before every call, so a refreshed token is used. */
  authorization(): Promise<string>;
  /** Gets a new access token after a `token_expired` answer (OAuth connectors). */
  refresh?(): Promise<void>;
}

export interface CrmHttpOptions {
  /** Longest wait for a rate limit to clear inside one call; beyond it the call fails as rate_limited. */
  maxRateWaitMs: number;
  /** Rate-limited attempts inside one call before giving up to the outbox's retry. */
  maxRateRetries: number;
  /** Calls in flight at once (Zoho limits concurrency; the others are kinder with a cap too). */
  concurrency: number;
  timeoutMs: number;
}

const DEFAULTS: CrmHttpOptions = { maxRateWaitMs: 11_000, maxRateRetries: 4, concurrency: 8, timeoutMs: 20_000 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The HTTP side every connector shares: one gate that holds calls while the
 * CRM said to wait (a 429, or a burst window at zero), a cap on calls in
 * flight, the refresh-and-repeat of an expired OAuth token, and the count of
 * calls. What an answer means is the connector's error table.
 */
export class CrmHttp {
  private readonly options: CrmHttpOptions;
  /** When calls may go again, on the monotonic clock: a wall-clock step (NTP) neither stretches nor cuts a hold. */
  private blockedUntil = 0;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  calls = 0;

  constructor(
    private readonly policy: CrmHttpPolicy,
    options: Partial<CrmHttpOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Holds every call until `until` (epoch ms, as read now): the connector saw a limit about to run out. */
  holdUntil(until: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, performance.now() + (until - Date.now()));
  }

  async request(request: CrmHttpRequest): Promise<CrmHttpAnswer> {
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const wait = this.blockedUntil - performance.now();
      if (wait > 0) {
        if (wait > this.options.maxRateWaitMs)
          throw new CrmError('rate_limited', 'the CRM asked to wait longer than a call may', 429, wait);
        await sleep(wait);
      }
      const answer = await this.send(request);
      this.policy.observe(answer);
      const error = this.policy.classify(answer, request);
      if (!error) return answer;
      if (error.kind === 'token_expired' && !refreshed && !request.anonymous && this.policy.refresh) {
        refreshed = true;
        await this.policy.refresh();
        continue;
      }
      if (error.kind === 'rate_limited' && attempt < this.options.maxRateRetries) {
        const delay = error.retryAfterMs ?? 1000;
        if (delay <= this.options.maxRateWaitMs) {
          this.holdUntil(Date.now() + delay);
          continue;
        }
      }
      throw error;
    }
  }

  private async send(request: CrmHttpRequest): Promise<CrmHttpAnswer> {
    await this.acquire();
    try {
      const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
      if (!request.anonymous) headers['authorization'] = await this.policy.authorization();
      let body: string | undefined;
      if (request.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(request.json);
      } else if (request.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(request.form).toString();
      }
      this.calls++;
      let response: Response;
      try {
        response = await fetch(request.url, {
          method: request.method,
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (error) {
        throw new CrmError('unavailable', `cannot reach the CRM: ${error instanceof Error ? error.message : String(error)}`);
      }
      const text = await response.text();
      let parsed: unknown = null;
      if (text.length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      return { status: response.status, headers: response.headers, body: parsed };
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < this.options.concurrency) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
  }

  private release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }
}

/** Seconds or an HTTP date in Retry-After, as ms; null when absent. */
export function retryAfterMs(headers: Headers): number | null {
  const value = headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}
