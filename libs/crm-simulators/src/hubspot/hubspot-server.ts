import type { IncomingMessage, ServerResponse } from 'node:http';
import { controlError } from '../common/control-kit';
import { DroppedConnection, sleep } from '../common/http-kit';
import { listen, onFinished } from '../common/sim-server';
import { hubSpotControlRoute } from './hubspot-control-routes';
import { HubSpotCore } from './hubspot-core';
import { hubSpotError } from './hubspot-errors';
import type { HubSpotSimulatorOptions } from './hubspot-options';
import { associationRoute } from './hubspot-association-routes';
import { objectRoute, type RouteContext } from './hubspot-object-routes';
import { oauthRoute } from './hubspot-oauth-routes';
import type { TokenKind } from './hubspot-rate-limits';
import { authorizationParts } from '../common/http-kit';

export interface RunningHubSpotSimulator {
  url: string;
  core: HubSpotCore;
  /** Resolves when no webhook is queued, in flight or waiting for a retry. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** HubSpot's date-versioned paths (`/crm/objects/2026-03/...`) answer like their v3/v4 counterparts. */
function canonicalPath(path: string): string {
  const dated = /^\/crm\/objects\/\d{4}-\d{2}\/(.*)$/.exec(path);
  if (dated?.[1] !== undefined) {
    return /\/associations\//.test(dated[1]) ? `/crm/v4/objects/${dated[1]}` : `/crm/v3/objects/${dated[1]}`;
  }
  return path;
}

function authenticate(core: HubSpotCore, request: IncomingMessage): TokenKind {
  const auth = authorizationParts(request);
  if (!auth || auth.scheme.toLowerCase() !== 'bearer') {
    throw hubSpotError(
      401,
      'INVALID_AUTHENTICATION',
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    );
  }
  const check = core.tokens.check(auth.token, core.now());
  if (check.state === 'expired') {
    const minutes = Math.max(0, Math.round((core.now() - check.expiredAt) / 60_000));
    throw hubSpotError(401, 'EXPIRED_AUTHENTICATION', `The OAuth token used to make this call expired ${minutes} minute(s) ago.`);
  }
  if (check.state === 'unknown') {
    throw hubSpotError(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found or invalid. Check the access token.');
  }
  return check.subject === 'private_app' ? 'private_app' : 'oauth';
}

async function handle(core: HubSpotCore, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const context: RouteContext = { core, request, response, url, path: url.pathname, holder: { body: undefined } };
  if (url.pathname.startsWith('/sim/')) {
    if (await hubSpotControlRoute(context)) return;
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
  if (decision.delayMs > 0) await sleep(decision.delayMs);
  if (decision.outage === 'reset') throw new DroppedConnection();
  if (decision.outage === 'http') throw hubSpotError(503, 'SERVICE_UNAVAILABLE', 'HubSpot is temporarily unavailable (simulated outage).');
  const path = canonicalPath(url.pathname);
  context.path = path;
  if (path.startsWith('/oauth/')) {
    if (decision.serverError) throw hubSpotError(500, 'INTERNAL_ERROR', 'internal error (simulated)');
    if (await oauthRoute(context)) return;
    throw hubSpotError(404, 'OBJECT_NOT_FOUND', `No OAuth route ${path}`);
  }
  const kind = authenticate(core, request);
  if (decision.rateLimited) throw core.limits.burstRefusal(kind, core.now());
  if (decision.serverError) throw hubSpotError(500, 'INTERNAL_ERROR', 'internal error (simulated)');
  const headers = core.limits.take(kind, /\/search$/.test(path), core.now());
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  if (await objectRoute(context)) return;
  if (await associationRoute(context)) return;
  throw hubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to route ${request.method ?? ''} ${path}`);
}

/** Starts a simulated HubSpot portal on `port` (0: any free port). */
export async function startHubSpotSimulator(
  options: HubSpotSimulatorOptions = {},
  port = 0,
  host = '127.0.0.1',
): Promise<RunningHubSpotSimulator> {
  const core = new HubSpotCore(options);
  const server = await listen(
    (request, response, url) => handle(core, request, response, url),
    port,
    host,
    () => ({ status: 500, body: { status: 'error', message: 'internal error', category: 'INTERNAL_ERROR' } }),
  );
  core.baseUrl = server.url;
  return {
    url: server.url,
    core,
    idle: () => core.webhooks.idle(),
    close: async () => {
      core.webhooks.close();
      await server.close();
    },
  };
}
