import { z } from 'zod';
import { controlBody, controlError, queryInt } from '../common/control-kit';
import { sendEmpty, sendJson } from '../common/http-kit';
import { sharedControlRoute } from '../common/shared-control-routes';
import { syntheticPerson } from '../common/synthetic-people';
import type { ZohoCore } from './zoho-core';
import type { ZohoRouteContext } from './zoho-record-routes';
import { renderZohoRecord } from './zoho-render';
import { moduleFromPath, ZOHO_MODULES, type ZohoModule } from './zoho-schema';
import type { FieldValue } from './zoho-store';

const fieldsSchema = z.record(z.string().min(1).max(100), z.unknown());
const seedSchema = z.object({ records: z.array(fieldsSchema).min(1).max(10_000) });
const generateSchema = z.object({
  module: z.enum(['Contacts', 'Leads']).default('Contacts'),
  count: z.number().int().min(1).max(200_000),
  startIndex: z.number().int().min(0).max(10_000_000).default(0),
  countryCode: z
    .string()
    .regex(/^[1-9]\d{0,2}$/)
    .default('39'),
});

function moduleOf(segment: string): ZohoModule {
  const module = moduleFromPath(decodeURIComponent(segment));
  if (!module) throw controlError(400, `module: one of ${ZOHO_MODULES.join(', ')}`);
  return module;
}

function prepared(
  core: ZohoCore,
  module: ZohoModule,
  fields: Record<string, unknown>,
  mode: 'insert' | 'update',
  selfId: string | null,
): Record<string, FieldValue> {
  const result = core.store.prepare(module, fields, mode, 0, selfId);
  if ('error' in result) throw controlError(400, `${result.error.code}: ${result.error.message} ${JSON.stringify(result.error.details)}`);
  return result.values;
}

/** The simulator's own API under /sim: seed, act as a Zoho user, inject faults, read what the client did. */
export async function zohoControlRoute(context: ZohoRouteContext): Promise<boolean> {
  const { core, request, response, url, path } = context;
  const { store } = core;
  const method = request.method ?? 'GET';
  const now = core.now();
  if (await sharedControlRoute(core, request, response, url)) return true;

  if (method === 'GET' && path === '/sim/state') {
    sendJson(response, 200, {
      crm: 'zoho',
      baseUrl: core.baseUrl,
      apiDomain: core.baseUrl,
      accountsUrl: core.baseUrl,
      dataCentre: core.options.dataCentre,
      orgId: core.options.orgId,
      apiVersion: core.apiVersion,
      clock: { now: new Date(now).toISOString(), offsetMs: core.clock.offset },
      records: Object.fromEntries(ZOHO_MODULES.map((module) => [module, store.live(module).length])),
      uniqueFields: core.options.uniqueFields,
      usage: core.limits.usage(now),
      faults: core.faults.describe(now),
      tokens: core.tokens.describe(now),
      channels: [...core.notifications.channels.values()].map((channel) => ({
        ...channel,
        expiresAt: new Date(channel.expiresAt).toISOString(),
      })),
      calls: core.calls.lastSeq,
    });
    return true;
  }
  if (method === 'POST' && path === '/sim/reset') {
    store.clear();
    core.calls.clear();
    core.faults.clear();
    core.limits.reset();
    core.notifications.channels.clear();
    core.notifications.dispatcher.attempts.length = 0;
    sendJson(response, 200, { reset: true });
    return true;
  }
  if (method === 'POST' && path === '/sim/generate') {
    const body = await controlBody(request, generateSchema);
    for (let offset = 0; offset < body.count; offset += 1) {
      const person = syntheticPerson(body.startIndex + offset, body.countryCode);
      store.insert(
        body.module,
        {
          First_Name: person.firstName,
          Last_Name: person.lastName,
          Email: person.email,
          Mobile: person.phone,
          ...(body.module === 'Leads' ? { Company: 'Simulated' } : {}),
        },
        'ui',
        { silent: true },
      );
    }
    sendJson(response, 201, { created: body.count, total: store.live(body.module).length });
    return true;
  }
  let match = /^\/sim\/records\/([^/]+)$/.exec(path);
  if (match?.[1]) {
    const module = moduleOf(match[1]);
    if (method === 'POST') {
      const body = await controlBody(request, seedSchema);
      const values = body.records.map((fields) => prepared(core, module, fields, 'insert', null));
      const ids = values.map((fields) => store.insert(module, fields, 'ui', { silent: true }).id);
      sendJson(response, 201, { ids });
      return true;
    }
    const id = url.searchParams.get('id');
    if (id !== null) {
      const record = store.table(module).get(id);
      if (!record) throw controlError(404, `No ${module} ${id}`);
      sendJson(response, 200, { ...renderZohoRecord(store, record, null), $deleted: record.deleted });
      return true;
    }
    const limit = queryInt(url, 'limit') ?? 1000;
    sendJson(response, 200, {
      data: store
        .live(module)
        .slice(0, limit)
        .map((record) => renderZohoRecord(store, record, null)),
    });
    return true;
  }
  match = /^\/sim\/ui\/([^/]+)(?:\/(\d{1,19}))?$/.exec(path);
  if (match?.[1]) {
    const module = moduleOf(match[1]);
    const id = match[2];
    if (method === 'POST' && id === undefined) {
      const body = await controlBody(request, z.object({ fields: fieldsSchema }));
      const record = store.insert(module, prepared(core, module, body.fields, 'insert', null), 'ui');
      sendJson(response, 201, renderZohoRecord(store, record, null));
      return true;
    }
    if (id !== undefined) {
      const record = store.get(module, id);
      if (!record) throw controlError(404, `No ${module} ${id}`);
      if (method === 'PUT' || method === 'PATCH') {
        const body = await controlBody(request, z.object({ fields: fieldsSchema }));
        store.update(record, prepared(core, module, body.fields, 'update', record.id), 'ui');
        sendJson(response, 200, renderZohoRecord(store, record, null));
        return true;
      }
      if (method === 'DELETE') {
        store.remove(record, 'ui');
        sendEmpty(response, 204);
        return true;
      }
    }
  }
  if (method === 'GET' && path === '/sim/notifications') {
    sendJson(response, 200, { attempts: core.notifications.dispatcher.attempts });
    return true;
  }
  if (method === 'POST' && path === '/sim/notifications/flush') {
    await core.notifications.idle();
    sendJson(response, 200, { attempts: core.notifications.dispatcher.attempts.length });
    return true;
  }
  if (method === 'POST' && path === '/sim/oauth/codes') {
    sendJson(response, 201, { code: core.tokens.newAuthorizationCode() });
    return true;
  }
  return false;
}
