import type { FlowDocument } from './flow-document';
import type { NodeCatalog } from './node-catalog';
import { schemaPaths } from './schema-paths';

/** Contact fields every message and condition may use. */
export const CONTACT_VARIABLES = [
  'contact.id',
  'contact.first_name',
  'contact.last_name',
  'contact.display_name',
  'contact.phone',
  'contact.email',
  'contact.wa_id',
  'contact.time_zone',
  'contact.locale',
  'contact.list',
  'contact.tags',
  'contact.created_at',
  'contact.last_inbound_at',
  'contact.marketing_consent',
  'contact.transactional_consent',
] as const;

/** The contact's data in the built-in CRM store (last order, order count). */
export const CRM_VARIABLES = [
  'crm.orders_count',
  'crm.last_order_at',
  'crm.last_order.id',
  'crm.last_order.external_id',
  'crm.last_order.status',
  'crm.last_order.total',
  'crm.last_order.currency',
  'crm.last_order.created_at',
  'crm.last_order.items_count',
  'crm.last_order.tracking_url',
  'crm.last_order.tracking_number',
  'crm.last_order.carrier',
  'crm.last_order.estimated_delivery',
] as const;

export interface AvailableVariables {
  exact: ReadonlySet<string>;
  /** Any path starting with one of these is allowed (custom fields, free-form payloads). */
  open: readonly string[];
}

/** True when `path` can be resolved for a node, given what is available to it. */
export function isVariableAvailable(path: string, available: AvailableVariables): boolean {
  if (available.exact.has(path)) return true;
  return available.open.some((prefix) => path.startsWith(prefix) && path.length > prefix.length);
}

/** Node ids from which `nodeId` can be reached (the steps that may have run before it). */
export function upstreamNodes(document: FlowDocument, nodeId: string): Set<string> {
  const incoming = new Map<string, string[]>();
  for (const edge of document.edges) {
    const list = incoming.get(edge.target);
    if (list) list.push(edge.source);
    else incoming.set(edge.target, [edge.source]);
  }
  const seen = new Set<string>();
  const stack = [...(incoming.get(nodeId) ?? [])];
  for (let current = stack.pop(); current !== undefined; current = stack.pop()) {
    if (seen.has(current)) continue;
    seen.add(current);
    stack.push(...(incoming.get(current) ?? []));
  }
  return seen;
}

/**
 * What a node may refer to: contact and CRM fields, the trigger's event
 * fields, the outputs of steps upstream (`steps.<id>.<field>`) and flow
 * variables set upstream (`vars.<name>`).
 */
export function availableVariables(document: FlowDocument, catalog: NodeCatalog, nodeId: string): AvailableVariables {
  const exact = new Set<string>([...CONTACT_VARIABLES, ...CRM_VARIABLES, 'now', 'event.type', 'event.occurred_at']);
  const open = ['contact.fields.'];
  const upstream = upstreamNodes(document, nodeId);
  for (const node of document.nodes) {
    const definition = catalog.get(node.type, node.typeVersion);
    if (!definition) continue;
    const paths = schemaPaths(definition.outputSchema);
    if (definition.kind === 'trigger') {
      for (const path of paths.exact) exact.add(`event.${path}`);
      for (const prefix of paths.open) open.push(`event.${prefix}`);
      continue;
    }
    if (!upstream.has(node.id)) continue;
    for (const path of paths.exact) exact.add(`steps.${node.id}.${path}`);
    for (const prefix of paths.open) open.push(`steps.${node.id}.${prefix}`);
    if (definition.writesVariables) {
      const parsed = definition.configSchema.safeParse(node.config);
      if (parsed.success) for (const name of definition.writesVariables(parsed.data)) exact.add(`vars.${name}`);
    }
  }
  return { exact, open };
}
