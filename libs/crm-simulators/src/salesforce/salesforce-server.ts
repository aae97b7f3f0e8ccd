import type { IncomingMessage, ServerResponse } from 'node:http';
import { controlError } from '../common/control-kit';
import { authorizationParts, DroppedConnection, sendJson, sleep } from '../common/http-kit';
import { listen, onFinished } from '../common/sim-server';
import { compositeRoute } from './salesforce-composite-routes';
import { salesforceControlRoute } from './salesforce-control-routes';
import { SalesforceCore } from './salesforce-core';
import { notFound, sfError } from './salesforce-errors';
import type { SfRouteContext } from './salesforce-http';
import { salesforceOauthRoute } from './salesforce-oauth-routes';
import type { SalesforceSimulatorOptions } from './salesforce-options';
import { queryRoute } from './salesforce-query-routes';
import { sobjectRoute } from './salesforce-sobject-routes';

export interface RunningSalesforceSimulator {
  /** Both the login host (`/services/oauth2/...`) and the instance URL (`/services/data/...`). */
  url: string;
  core: SalesforceCore;
  close(): Promise<void>;
}

const RELEASES = ['Winter', 'Spring', 'Summer'];

function versions(core: SalesforceCore): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (let version = 20; version <= core.options.latestApiVersion; version += 1) {
    // v20.0 was Winter '11; three releases a year since (v65.0 Winter '26).
    const release = RELEASES[(version - 20) % 3] ?? 'Winter';
    const year = 11 + Math.floor((version - 20) / 3);
    out.push({ label: `${release} '${String(year).padStart(2, '0')}`, url: `/services/data/v${version}.0`, version: `${version}.0` });
  }
  return out;
}

async function apiRoute(context: SfRouteContext): Promise<void> {
  const { core, request, response, rest } = context;
  if (rest === '' || rest === '/') {
    const prefix = `/services/data/${context.version}`;
    sendJson(response, 200, {
      sobjects: `${prefix}/sobjects`,
      query: `${prefix}/query`,
      queryAll: `${prefix}/queryAll`,
      composite: `${prefix}/composite`,
      limits: `${prefix}/limits`,
    });
    return;
  }
  if (rest === '/limits' || rest === '/limits/') {
    if (request.method !== 'GET') throw sfError(405, 'METHOD_NOT_ALLOWED', 'Allowed are GET');
    const now = core.now();
    sendJson(response, 200, {
      DailyApiRequests: { Max: core.daily.max, Remaining: core.daily.remaining(now) },
      ConcurrentAsyncGetReportInstances: { Max: 200, Remaining: 200 },
    });
    return;
  }
  if (queryRoute(context)) return;
  if (await compositeRoute(context)) return;
  if (await sobjectRoute(context)) return;
  throw notFound();
}

async function handle(core: SalesforceCore, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  if (url.pathname.startsWith('/sim/')) {
    if (await salesforceControlRoute(core, request, response, url)) return;
    throw controlError(404, `No control route ${request.method ?? ''} ${url.pathname}`);
  }
  const holder: { body: unknown } = { body: undefined };
  const started = Date.now();
  onFinished(response, (status) =>
    core.calls.add({
      at: new Date(core.now()).toISOString(),
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status,
      durationMs: Date.now() - started,
      body: holder.body,
    }),
  );
  const decision = core.faults.next(core.now());
  if (decision.delayMs > 0) await sleep(decision.delayMs);
  if (decision.outage === 'reset') throw new DroppedConnection();
  if (decision.outage === 'http') throw sfError(503, 'SERVER_UNAVAILABLE', 'Salesforce is temporarily unavailable (simulated outage)');
  if (url.pathname.startsWith('/services/oauth2/')) {
    if (decision.serverError) throw sfError(500, 'UNKNOWN_EXCEPTION', 'An unexpected error occurred (simulated).');
    if (await salesforceOauthRoute(core, request, response, url, holder)) return;
    throw notFound();
  }
  if (url.pathname === '/services/data' || url.pathname === '/services/data/') {
    sendJson(response, 200, versions(core));
    return;
  }
  const match = /^\/services\/data\/v(\d+)\.0(\/.*)?$/.exec(url.pathname);
  if (!match?.[1]) throw notFound();
  const version = Number(match[1]);
  if (version < 20 || version > core.options.latestApiVersion) throw notFound();
  const auth = authorizationParts(request);
  if (!auth || auth.scheme.toLowerCase() !== 'bearer' || core.tokens.check(auth.token, core.now()).state !== 'valid') {
    throw sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
  }
  const now = core.now();
  if (decision.rateLimited || !core.daily.tryTake(now)) {
    throw sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', undefined, core.limitHeader());
  }
  for (const [name, value] of Object.entries(core.limitHeader())) response.setHeader(name, value);
  if (decision.serverError) throw sfError(500, 'UNKNOWN_EXCEPTION', 'An unexpected error occurred (simulated).');
  await apiRoute({ core, request, response, url, version: `v${version}.0`, rest: match[2] ?? '', holder });
}

/** Starts a simulated Salesforce org (login host and instance in one) on `port` (0: any free port). */
export async function startSalesforceSimulator(
  options: SalesforceSimulatorOptions,
  port = 0,
  host = '127.0.0.1',
): Promise<RunningSalesforceSimulator> {
  const core = new SalesforceCore(options);
  const server = await listen(
    (request, response, url) => handle(core, request, response, url),
    port,
    host,
    () => ({ status: 500, body: [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred.' }] }),
  );
  core.baseUrl = server.url;
  return { url: server.url, core, close: () => server.close() };
}
