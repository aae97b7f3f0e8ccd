import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { CallLog } from './call-log';
import { controlBody, queryInt } from './control-kit';
import { type FaultPlan, faultSchema } from './fault-plan';
import { sendEmpty, sendJson } from './http-kit';
import type { SimClock } from './sim-clock';
import type { TokenStore } from './token-store';

export interface ControlledSimulator {
  clock: SimClock;
  faults: FaultPlan;
  calls: CallLog;
  tokens: TokenStore;
}

const clockSchema = z.object({
  advanceMs: z
    .number()
    .int()
    .min(0)
    .max(400 * 86_400_000),
});

/** The control routes every simulated CRM has: faults, the call log and the clock. Returns false for other paths. */
export async function sharedControlRoute(
  sim: ControlledSimulator,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<boolean> {
  const method = request.method ?? 'GET';
  const now = sim.clock.now();
  switch (url.pathname) {
    case '/sim/faults':
      if (method === 'POST') {
        const fault = await controlBody(request, faultSchema);
        if (fault.kind === 'token_expiry') {
          sendJson(response, 201, { expired: sim.tokens.expireAll(now) });
          return true;
        }
        sim.faults.add(fault, now);
        sendJson(response, 201, sim.faults.describe(now));
        return true;
      }
      if (method === 'DELETE') {
        sim.faults.clear();
        sendEmpty(response, 204);
        return true;
      }
      sendJson(response, 200, sim.faults.describe(now));
      return true;
    case '/sim/calls': {
      if (method === 'DELETE') {
        sim.calls.clear();
        sendEmpty(response, 204);
        return true;
      }
      const since = queryInt(url, 'since');
      const limit = queryInt(url, 'limit');
      const callMethod = url.searchParams.get('method') ?? undefined;
      const pathPrefix = url.searchParams.get('path') ?? undefined;
      sendJson(response, 200, {
        calls: sim.calls.list({
          ...(since !== undefined ? { since } : {}),
          ...(limit !== undefined ? { limit } : {}),
          ...(callMethod !== undefined ? { method: callMethod } : {}),
          ...(pathPrefix !== undefined ? { pathPrefix } : {}),
        }),
      });
      return true;
    }
    case '/sim/clock':
      if (method === 'POST') {
        const body = await controlBody(request, clockSchema);
        sim.clock.advance(body.advanceMs);
      }
      sendJson(response, 200, { now: new Date(sim.clock.now()).toISOString(), offsetMs: sim.clock.offset });
      return true;
    default:
      return false;
  }
}
