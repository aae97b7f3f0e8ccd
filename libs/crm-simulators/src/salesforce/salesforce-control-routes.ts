import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { controlBody, controlError, queryInt } from '../common/control-kit';
import { sendEmpty, sendJson } from '../common/http-kit';
import { sharedControlRoute } from '../common/shared-control-routes';
import { syntheticPerson } from '../common/synthetic-people';
import type { SalesforceCore } from './salesforce-core';
import { SfValidationError } from './salesforce-errors';
import { SOBJECTS, type SObjectName, sobjectFromPath } from './salesforce-schema';
import { fieldValue, type SfRecord } from './salesforce-store';
import { SOBJECT_FIELDS } from './salesforce-schema';

const fieldsSchema = z.record(z.string().min(1).max(100), z.unknown());
const generateSchema = z.object({
  sobject: z.enum(['Contact', 'Lead']).default('Contact'),
  count: z.number().int().min(1).max(200_000),
  startIndex: z.number().int().min(0).max(10_000_000).default(0),
  countryCode: z
    .string()
    .regex(/^[1-9]\d{0,2}$/)
    .default('39'),
});

function sobjectOf(segment: string): SObjectName {
  const sobject = sobjectFromPath(decodeURIComponent(segment));
  if (!sobject) throw controlError(400, `sobject: one of ${SOBJECTS.join(', ')}`);
  return sobject;
}

function raw(record: SfRecord): Record<string, unknown> {
  return Object.fromEntries(SOBJECT_FIELDS[record.sobject].map((field) => [field.name, fieldValue(record, field.name)]));
}

function checked<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof SfValidationError) throw controlError(400, `${error.error.errorCode}: ${error.error.message}`);
    throw error;
  }
}

/** The simulator's own API under /sim: seed, act as a Salesforce user, inject faults, read what the client did. */
export async function salesforceControlRoute(
  core: SalesforceCore,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<boolean> {
  const { store } = core;
  const method = request.method ?? 'GET';
  const path = url.pathname;
  const now = core.now();
  if (await sharedControlRoute(core, request, response, url)) return true;
  if (method === 'GET' && path === '/sim/state') {
    sendJson(response, 200, {
      crm: 'salesforce',
      baseUrl: core.baseUrl,
      instanceUrl: core.baseUrl,
      loginUrl: core.baseUrl,
      latestApiVersion: `v${core.options.latestApiVersion}.0`,
      clock: { now: new Date(now).toISOString(), offsetMs: core.clock.offset },
      records: Object.fromEntries(SOBJECTS.map((sobject) => [sobject, store.count(sobject)])),
      usage: { dailyApiRequests: { used: core.daily.used(now), max: core.daily.max } },
      faults: core.faults.describe(now),
      tokens: core.tokens.describe(now),
      openCursors: core.cursors.size,
      calls: core.calls.lastSeq,
    });
    return true;
  }
  if (method === 'POST' && path === '/sim/reset') {
    store.clear();
    core.calls.clear();
    core.faults.clear();
    core.daily.reset();
    core.cursors.clear();
    sendJson(response, 200, { reset: true });
    return true;
  }
  if (method === 'POST' && path === '/sim/generate') {
    const body = await controlBody(request, generateSchema);
    for (let offset = 0; offset < body.count; offset += 1) {
      const person = syntheticPerson(body.startIndex + offset, body.countryCode);
      store.create(
        body.sobject,
        {
          FirstName: person.firstName,
          LastName: person.lastName,
          Email: person.email,
          MobilePhone: person.phone,
          Phone_E164__c: person.phone,
          ...(body.sobject === 'Lead' ? { Company: 'Simulated', Status: 'Open - Not Contacted' } : {}),
        },
        'ui',
      );
    }
    sendJson(response, 201, { created: body.count, total: store.count(body.sobject) });
    return true;
  }
  let match = /^\/sim\/records\/([^/]+)$/.exec(path);
  if (match?.[1]) {
    const sobject = sobjectOf(match[1]);
    if (method === 'POST') {
      const body = await controlBody(request, z.object({ records: z.array(fieldsSchema).min(1).max(10_000) }));
      const values = body.records.map((fields) => checked(() => store.prepare(sobject, fields, 'create', null)));
      sendJson(response, 201, { ids: values.map((fields) => store.create(sobject, fields, 'ui').id) });
      return true;
    }
    const id = url.searchParams.get('id');
    if (id !== null) {
      const record = store.get(sobject, id, true);
      if (!record) throw controlError(404, `No ${sobject} ${id}`);
      sendJson(response, 200, raw(record));
      return true;
    }
    const limit = queryInt(url, 'limit') ?? 1000;
    sendJson(response, 200, { records: store.all(sobject).slice(0, limit).map(raw) });
    return true;
  }
  match = /^\/sim\/ui\/([^/]+)(?:\/([a-zA-Z0-9]{15,18}))?$/.exec(path);
  if (match?.[1]) {
    const sobject = sobjectOf(match[1]);
    const id = match[2];
    if (method === 'POST' && id === undefined) {
      const body = await controlBody(request, z.object({ fields: fieldsSchema }));
      const record = store.create(
        sobject,
        checked(() => store.prepare(sobject, body.fields, 'create', null)),
        'ui',
      );
      sendJson(response, 201, raw(record));
      return true;
    }
    if (id !== undefined) {
      const record = store.get(sobject, id);
      if (!record) throw controlError(404, `No ${sobject} ${id}`);
      if (method === 'PATCH') {
        const body = await controlBody(request, z.object({ fields: fieldsSchema }));
        store.update(
          record,
          checked(() => store.prepare(sobject, body.fields, 'update', record.id)),
          'ui',
        );
        sendJson(response, 200, raw(record));
        return true;
      }
      if (method === 'DELETE') {
        store.remove(record, 'ui');
        sendEmpty(response, 204);
        return true;
      }
    }
  }
  if (method === 'POST' && path === '/sim/oauth/codes') {
    sendJson(response, 201, { code: core.tokens.newAuthorizationCode() });
    return true;
  }
  return false;
}
