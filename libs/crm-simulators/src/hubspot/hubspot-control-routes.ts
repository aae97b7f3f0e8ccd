import { z } from 'zod';
import { controlBody, controlError, queryInt } from '../common/control-kit';
import { sharedControlRoute } from '../common/shared-control-routes';
import { sendEmpty, sendJson, SimHttpError } from '../common/http-kit';
import { syntheticPerson } from '../common/synthetic-people';
import type { HubSpotCore } from './hubspot-core';
import type { RouteContext } from './hubspot-object-routes';
import { defaultAssociationType, HUBSPOT_OBJECT_TYPES, type HubSpotObjectType, objectTypeFromPath } from './hubspot-schema';
import type { HubRecord } from './hubspot-store';

const inputValue = z.union([z.string().max(65_536), z.number(), z.boolean(), z.null()]);
const properties = z.record(z.string().min(1).max(100), inputValue);
const seedSchema = z.object({
  records: z
    .array(
      z.object({
        id: z
          .string()
          .regex(/^\d{1,15}$/, 'digits only')
          .optional(),
        properties,
        createdAt: z.iso.datetime({ offset: true }).optional(),
      }),
    )
    .min(1)
    .max(10_000),
});
const generateSchema = z.object({
  count: z.number().int().min(1).max(200_000),
  startIndex: z.number().int().min(0).max(10_000_000).default(0),
  countryCode: z
    .string()
    .regex(/^[1-9]\d{0,2}$/)
    .default('39'),
});
const uiCreateSchema = z.object({ properties });
const associationSchema = z.object({
  fromType: z.string(),
  fromId: z.string().regex(/^\d{1,15}$/),
  toType: z.string(),
  toId: z.string().regex(/^\d{1,15}$/),
});
const webhookSettingsSchema = z.object({
  targetUrl: z.url().nullable().optional(),
  clientSecret: z.string().min(1).max(200).optional(),
  subscriptions: z
    .array(
      z.object({
        subscriptionType: z.enum([
          'contact.creation',
          'contact.deletion',
          'contact.propertyChange',
          'deal.creation',
          'deal.deletion',
          'deal.propertyChange',
        ]),
        propertyName: z.string().min(1).max(100).optional(),
      }),
    )
    .max(1000)
    .optional(),
});

function typeOf(segment: string): HubSpotObjectType {
  const type = objectTypeFromPath(decodeURIComponent(segment));
  if (!type) throw controlError(400, `objectType: one of ${HUBSPOT_OBJECT_TYPES.join(', ')}`);
  return type;
}

function raw(record: HubRecord, core: HubSpotCore): Record<string, unknown> {
  return {
    id: record.id,
    properties: record.properties,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
    archived: record.archived,
    associations: Object.fromEntries(
      HUBSPOT_OBJECT_TYPES.map((type) => [type, core.store.associationsOf(record.objectType, record.id, type).map((link) => link.toId)]),
    ),
  };
}

/** Runs a property write through HubSpot's own validation, turning its error into a 400 of the control API. */
function validated<T>(write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (error instanceof SimHttpError) {
      const body = error.body;
      const message = typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : 'refused';
      throw controlError(400, message);
    }
    throw error;
  }
}

/** The simulator's own API under /sim: seed, act as a HubSpot user, inject faults, read what the client did. */
export async function hubSpotControlRoute(context: RouteContext): Promise<boolean> {
  const { core, request, response, url, path } = context;
  const { store } = core;
  const method = request.method ?? 'GET';
  const now = core.now();

  if (method === 'GET' && path === '/sim/state') {
    sendJson(response, 200, {
      crm: 'hubspot',
      baseUrl: core.baseUrl,
      portalId: core.options.portalId,
      appId: core.options.appId,
      clock: { now: new Date(now).toISOString(), offsetMs: core.clock.offset },
      searchLagMs: store.searchLagMs,
      records: Object.fromEntries(HUBSPOT_OBJECT_TYPES.map((type) => [type, store.count(type)])),
      pendingInSearch: Object.fromEntries(HUBSPOT_OBJECT_TYPES.map((type) => [type, store.pendingInSearch(type)])),
      usage: core.limits.usage(now),
      faults: core.faults.describe(now),
      tokens: core.tokens.describe(now),
      webhooks: core.webhooks.describe(),
      calls: core.calls.lastSeq,
    });
    return true;
  }
  if (method === 'POST' && path === '/sim/reset') {
    store.clear();
    core.calls.clear();
    core.faults.clear();
    core.limits.reset();
    core.webhooks.dispatcher.attempts.length = 0;
    sendJson(response, 200, { reset: true });
    return true;
  }
  if (method === 'POST' && path === '/sim/generate') {
    const body = await controlBody(request, generateSchema);
    for (let offset = 0; offset < body.count; offset += 1) {
      const person = syntheticPerson(body.startIndex + offset, body.countryCode);
      store.create(
        'contacts',
        { firstname: person.firstName, lastname: person.lastName, email: person.email, phone: person.phone, mobilephone: person.phone },
        'ui',
        { silent: true },
      );
    }
    sendJson(response, 201, { created: body.count, total: store.count('contacts') });
    return true;
  }
  let match = /^\/sim\/records\/([^/]+)$/.exec(path);
  if (match?.[1]) {
    const type = typeOf(match[1]);
    if (method === 'POST') {
      const body = await controlBody(request, seedSchema);
      const prepared = validated(() => body.records.map((record) => store.normalise(type, record.properties, 'create')));
      const created = body.records.map((record, index) =>
        store.create(type, prepared[index] ?? {}, 'ui', {
          silent: true,
          ...(record.id ? { id: record.id } : {}),
          ...(record.createdAt ? { at: Date.parse(record.createdAt) } : {}),
        }),
      );
      sendJson(response, 201, { ids: created.map((record) => record.id) });
      return true;
    }
    if (method === 'GET') {
      const id = url.searchParams.get('id');
      if (id !== null) {
        const record = store.get(type, id, true);
        if (!record) throw controlError(404, `No ${type} ${id}`);
        sendJson(response, 200, raw(record, core));
        return true;
      }
      const limit = queryInt(url, 'limit') ?? 1000;
      sendJson(response, 200, { results: [...store.table(type).values()].slice(0, limit).map((record) => raw(record, core)) });
      return true;
    }
  }
  match = /^\/sim\/ui\/([^/]+)(?:\/(\d{1,15}))?$/.exec(path);
  if (match?.[1]) {
    const type = typeOf(match[1]);
    const id = match[2];
    if (method === 'POST' && id === undefined) {
      const body = await controlBody(request, uiCreateSchema);
      const values = validated(() => store.normalise(type, body.properties, 'create'));
      const record = store.create(type, values, 'ui');
      sendJson(response, 201, raw(record, core));
      return true;
    }
    if (id !== undefined) {
      const record = store.get(type, id);
      if (!record) throw controlError(404, `No ${type} ${id}`);
      if (method === 'PATCH') {
        const body = await controlBody(request, uiCreateSchema);
        const values = validated(() => store.normalise(type, body.properties, 'update', 'properties', record.id));
        store.update(record, values, 'ui');
        sendJson(response, 200, raw(record, core));
        return true;
      }
      if (method === 'DELETE') {
        store.archive(record, 'ui');
        sendEmpty(response, 204);
        return true;
      }
    }
  }
  if (method === 'POST' && path === '/sim/associations') {
    const body = await controlBody(request, associationSchema);
    const from = typeOf(body.fromType);
    const to = typeOf(body.toType);
    const typeId = defaultAssociationType(from, to);
    if (typeId === null) throw controlError(400, `No association from ${from} to ${to}`);
    validated(() => store.associate(from, body.fromId, to, body.toId, typeId));
    sendJson(response, 201, { associated: true, associationTypeId: typeId });
    return true;
  }
  if (await sharedControlRoute(core, request, response, url)) return true;
  if (path === '/sim/webhooks') {
    if (method === 'PUT') {
      const body = await controlBody(request, webhookSettingsSchema);
      core.webhooks.configure({
        ...(body.targetUrl !== undefined ? { targetUrl: body.targetUrl } : {}),
        ...(body.clientSecret !== undefined ? { clientSecret: body.clientSecret } : {}),
        ...(body.subscriptions !== undefined ? { subscriptions: body.subscriptions } : {}),
      });
      sendJson(response, 200, core.webhooks.describe());
      return true;
    }
    sendJson(response, 200, { settings: core.webhooks.describe(), attempts: core.webhooks.dispatcher.attempts });
    return true;
  }
  if (method === 'POST' && path === '/sim/webhooks/flush') {
    await core.webhooks.idle();
    sendJson(response, 200, { attempts: core.webhooks.dispatcher.attempts.length });
    return true;
  }
  if (method === 'POST' && path === '/sim/oauth/codes') {
    if (!core.options.oauth) throw controlError(409, 'No OAuth app is configured');
    sendJson(response, 201, { code: core.tokens.newAuthorizationCode('oauth') });
    return true;
  }
  return false;
}
