import { z } from 'zod';

/**
 * Faults the control API can inject into a simulated CRM. Each CRM renders
 * them in its own shape (error envelope, status, headers).
 */
export const faultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('outage'),
    seconds: z.number().positive().max(86_400),
    /** `http`: answer 503 in the CRM's error shape; `reset`: drop the connection without answering. */
    mode: z.enum(['http', 'reset']).default('http'),
  }),
  z.object({ kind: z.literal('rate_limit'), count: z.number().int().min(1).max(100_000) }),
  z.object({
    kind: z.literal('slow'),
    delayMs: z.number().int().min(1).max(120_000),
    count: z.number().int().min(1).max(100_000).optional(),
    seconds: z.number().positive().max(86_400).optional(),
  }),
  z.object({ kind: z.literal('server_error'), count: z.number().int().min(1).max(100_000) }),
  z.object({ kind: z.literal('token_expiry') }),
]);
export type FaultSpec = z.output<typeof faultSchema>;

/** What the next API call meets. */
export interface FaultDecision {
  outage: 'http' | 'reset' | null;
  rateLimited: boolean;
  serverError: boolean;
  delayMs: number;
}

interface SlowFault {
  delayMs: number;
  left: number | null;
  until: number | null;
}

export class FaultPlan {
  private outageUntil = 0;
  private outageMode: 'http' | 'reset' = 'http';
  private rateLimitsLeft = 0;
  private serverErrorsLeft = 0;
  private slow: SlowFault | null = null;

  /** Adds a fault (token expiry is handled by the caller: it concerns the token store). */
  add(fault: FaultSpec, now: number): void {
    switch (fault.kind) {
      case 'outage':
        this.outageUntil = now + fault.seconds * 1000;
        this.outageMode = fault.mode;
        return;
      case 'rate_limit':
        this.rateLimitsLeft += fault.count;
        return;
      case 'server_error':
        this.serverErrorsLeft += fault.count;
        return;
      case 'slow':
        this.slow = {
          delayMs: fault.delayMs,
          left: fault.count ?? (fault.seconds === undefined ? 1 : null),
          until: fault.seconds === undefined ? null : now + fault.seconds * 1000,
        };
        return;
      case 'token_expiry':
        return;
    }
  }

  /** Decides (and uses up) what the next API call meets. */
  next(now: number): FaultDecision {
    const outage = now < this.outageUntil ? this.outageMode : null;
    let delayMs = 0;
    if (this.slow) {
      const expired = this.slow.until !== null && now >= this.slow.until;
      if (expired || this.slow.left === 0) {
        this.slow = null;
      } else {
        delayMs = this.slow.delayMs;
        if (this.slow.left !== null) this.slow.left -= 1;
      }
    }
    if (outage) return { outage, rateLimited: false, serverError: false, delayMs };
    const rateLimited = this.rateLimitsLeft > 0;
    if (rateLimited) this.rateLimitsLeft -= 1;
    const serverError = !rateLimited && this.serverErrorsLeft > 0;
    if (serverError) this.serverErrorsLeft -= 1;
    return { outage: null, rateLimited, serverError, delayMs };
  }

  describe(now: number): Record<string, unknown> {
    return {
      outageUntil: now < this.outageUntil ? new Date(this.outageUntil).toISOString() : null,
      outageMode: now < this.outageUntil ? this.outageMode : null,
      rateLimitsLeft: this.rateLimitsLeft,
      serverErrorsLeft: this.serverErrorsLeft,
      slow: this.slow
        ? {
            delayMs: this.slow.delayMs,
            callsLeft: this.slow.left,
            until: this.slow.until === null ? null : new Date(this.slow.until).toISOString(),
          }
        : null,
    };
  }

  clear(): void {
    this.outageUntil = 0;
    this.rateLimitsLeft = 0;
    this.serverErrorsLeft = 0;
    this.slow = null;
  }
}
