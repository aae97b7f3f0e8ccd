import { z } from 'zod';
import { sendEmpty, sendJson } from '../common/http-kit';
import { hubSpotError, notFound, validationError } from './hubspot-errors';
import { hubSpotBody, limitParameter } from './hubspot-http';
import type { RouteContext } from './hubspot-object-routes';
import { defaultAssociationType, type HubSpotObjectType, OBJECT_TYPE_DEFINITIONS, objectTypeFromPath } from './hubspot-schema';

const labelledSchema = z
  .array(
    z.object({
      associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']),
      associationTypeId: z.number().int().positive(),
    }),
  )
  .min(1)
  .max(10);

function typeOf(segment: string): HubSpotObjectType {
  const type = objectTypeFromPath(decodeURIComponent(segment));
  if (!type) throw hubSpotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${segment}`);
  return type;
}

function requirePair(from: HubSpotObjectType, to: HubSpotObjectType): number {
  const typeId = defaultAssociationType(from, to);
  if (typeId === null) throw validationError(`Association from ${from} to ${to} is not supported by the simulator`);
  return typeId;
}

/** The v4 associations API (default and labelled associate, list, remove). Returns false for other paths. */
export async function associationRoute(context: RouteContext): Promise<boolean> {
  const { core, request, response, url, path } = context;
  const { store } = core;
  const stamp = () => new Date(core.now()).toISOString();

  let match = /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/default\/([^/]+)\/([^/]+)$/.exec(path);
  if (match?.[1] && match[2] && match[3] && match[4]) {
    if (request.method !== 'PUT') throw hubSpotError(405, 'VALIDATION_ERROR', 'Default associations take PUT');
    const from = typeOf(match[1]);
    const to = typeOf(match[3]);
    const fromId = decodeURIComponent(match[2]);
    const toId = decodeURIComponent(match[4]);
    const startedAt = stamp();
    const typeId = requirePair(from, to);
    store.associate(from, fromId, to, toId, typeId);
    const reverse = requirePair(to, from);
    sendJson(response, 200, {
      status: 'COMPLETE',
      results: [
        { from: { id: fromId }, to: { id: toId }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId } },
        { from: { id: toId }, to: { id: fromId }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: reverse } },
      ],
      startedAt,
      completedAt: stamp(),
    });
    return true;
  }

  match = /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/([^/]+)\/([^/]+)$/.exec(path);
  if (match?.[1] && match[2] && match[3] && match[4]) {
    const from = typeOf(match[1]);
    const to = typeOf(match[3]);
    const fromId = decodeURIComponent(match[2]);
    const toId = decodeURIComponent(match[4]);
    if (request.method === 'PUT') {
      const body = await hubSpotBody(request, labelledSchema, context.holder);
      for (const kind of body) {
        if (kind.associationCategory !== 'HUBSPOT_DEFINED') {
          throw validationError(
            `${kind.associationCategory} association labels are not simulated; use HUBSPOT_DEFINED ${requirePair(from, to)}`,
          );
        }
        if (kind.associationTypeId !== requirePair(from, to)) {
          throw validationError(
            `${kind.associationTypeId} is not a valid association type id from ${from} to ${to}; use ${requirePair(from, to)}`,
          );
        }
      }
      for (const kind of body) store.associate(from, fromId, to, toId, kind.associationTypeId);
      sendJson(response, 201, {
        fromObjectTypeId: OBJECT_TYPE_DEFINITIONS[from].objectTypeId,
        fromObjectId: Number(fromId),
        toObjectTypeId: OBJECT_TYPE_DEFINITIONS[to].objectTypeId,
        toObjectId: Number(toId),
        labels: [],
      });
      return true;
    }
    if (request.method === 'DELETE') {
      requirePair(from, to);
      store.dissociate(from, fromId, to, toId);
      sendEmpty(response, 204);
      return true;
    }
    throw hubSpotError(405, 'VALIDATION_ERROR', `HTTP ${request.method ?? ''} is not supported by this endpoint`);
  }

  match = /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/([^/]+)$/.exec(path);
  if (match?.[1] && match[2] && match[3]) {
    if (request.method !== 'GET')
      throw hubSpotError(405, 'VALIDATION_ERROR', `HTTP ${request.method ?? ''} is not supported by this endpoint`);
    const from = typeOf(match[1]);
    const to = typeOf(match[3]);
    const fromId = decodeURIComponent(match[2]);
    if (!store.get(from, fromId)) throw notFound(`No ${OBJECT_TYPE_DEFINITIONS[from].singular} with ID ${fromId} exists`);
    const limit = limitParameter(url, 500, 500);
    const after = url.searchParams.get('after');
    if (after !== null && !/^\d{1,15}$/.test(after)) throw validationError(`after: must be a paging cursor, got "${after}"`);
    const links = store.associationsOf(from, fromId, to).filter((link) => after === null || Number(link.toId) >= Number(after));
    const page = links.slice(0, limit);
    const next = links[limit];
    sendJson(response, 200, {
      results: page.map((link) => ({
        toObjectId: Number(link.toId),
        associationTypes: [...link.typeIds].map((typeId) => ({ category: 'HUBSPOT_DEFINED', typeId, label: null })),
      })),
      ...(next ? { paging: { next: { after: next.toId, link: `${core.baseUrl}${url.pathname}?after=${next.toId}` } } } : {}),
    });
    return true;
  }
  return false;
}
