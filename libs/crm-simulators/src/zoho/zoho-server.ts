import type { IncomingMessage, ServerResponse } from 'node:http';
import { controlError } from '../common/control-kit';
import { authorizationParts, DroppedConnection, sleep } from '../common/http-kit';
import { listen, onFinished } from '../common/sim-server';
import { zohoControlRoute } from './zoho-control-routes';
import { ZohoCore } from './zoho-core';
import { invalidUrl, zohoError } from './zoho-errors';
import { zohoOauthRoute } from './zoho-oauth-routes';
import type { ZohoSimulatorOptions } from './zoho-options';
import { recordRoute, type ZohoRouteContext } from './zoho-record-routes';
import { watchRoute } from './zoho-watch-routes';

export interface RunningZohoSimulator {
  /** Serves both the accounts server (`/oauth/v2/...`) and the API domain (`/crm/v8/...`). */
  url: string;
  core: ZohoCore;
  /** Resolves when no notification is queued, in flight or waiting for a retry. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

function authenticate(core: ZohoCore, request: IncomingMessage): void {
  const auth = authorizationParts(request);
  if (!auth || auth.scheme !== 'Zoho-oauthtoken') throw zohoError(401, 'AUTHENTICATION_FAILURE', 'Authentication failed');
  if (core.tokens.check(auth.token, core.now()).state !== 'valid') throw zohoError(401, 'INVALID_TOKEN', 'invalid oauth token');
}

async function handle(core: ZohoCore, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const context: ZohoRouteContext = { core, request, response, url, path: url.pathname, holder: { body: undefined } };
  if (url.pathname.startsWith('/sim/')) {
    if (await zohoControlRoute(context)) return;
    throw controlError(404, `No control route ${request.method ?? ''} ${url.pathname}`);
  }
  const started = Date.now();
  onFinished(response, (status) =>
    core.calls.add({
      at: new Date(core.now()).toISOString(),
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status,
      durationMs: Date.now() - started,
      body: context.holder.body,
    }),
  );
  const decision = core.faults.next(core.now());
  if (decision.outage === 'reset') throw new DroppedConnection();
  if (decision.outage === 'http') throw zohoError(503, 'INTERNAL_ERROR', 'Zoho CRM is temporarily unavailable (simulated outage)');
  if (url.pathname.startsWith('/oauth/')) {
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (decision.serverError) throw zohoError(500, 'INTERNAL_ERROR', 'Internal Server Error (simulated)');
    if (await zohoOauthRoute(context)) return;
    throw invalidUrl();
  }
  if (!url.pathname.startsWith('/crm/')) throw invalidUrl();
  authenticate(core, request);
  if (decision.rateLimited)
    throw zohoError(429, 'TOO_MANY_REQUESTS', 'You have made too many requests. Please try again later (simulated).');
  if (decision.serverError) throw zohoError(500, 'INTERNAL_ERROR', 'Internal Server Error (simulated)');
  const release = core.limits.enter(core.now());
  onFinished(response, () => release());
  try {
    // A slow answer holds its concurrency slot, so slow calls can exhaust the concurrency limit as in Zoho.
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (await watchRoute(context)) return;
    if (await recordRoute(context)) return;
  } catch (error) {
    release();
    throw error;
  }
  release();
  throw invalidUrl();
}

/** Starts a simulated Zoho CRM org (accounts server and API domain in one) on `port` (0: any free port). */
export async function startZohoSimulator(options: ZohoSimulatorOptions, port = 0, host = '127.0.0.1'): Promise<RunningZohoSimulator> {
  const core = new ZohoCore(options);
  const server = await listen(
    (request, response, url) => handle(core, request, response, url),
    port,
    host,
    () => ({ status: 500, body: { code: 'INTERNAL_ERROR', details: {}, message: 'Internal Server Error', status: 'error' } }),
  );
  core.baseUrl = server.url;
  return {
    url: server.url,
    core,
    idle: () => core.notifications.idle(),
    close: async () => {
      core.notifications.close();
      await server.close();
    },
  };
}
