import { parseTemplate } from '@parley/flow-core';
import type {
  CrmContact,
  CrmOrder,
  RuntimeContact,
  RuntimeEvent,
  SendWhatsAppRequest,
  SendWhatsAppResult,
  StepContext,
  StepServices,
} from '@parley/node-sdk';

/** What the fake services were asked to do, for assertions. */
export interface Recorded {
  sent: SendWhatsAppRequest[];
  calls: { service: string; input: unknown }[];
}

export const testContact: RuntimeContact = {
  id: 'contact-1',
  waId: '393331234567',
  phoneE164: '+393331234567',
  displayName: 'Ada Lovelace',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: null,
  timeZone: 'Europe/Rome',
  locale: 'it',
  list: null,
  tags: [],
  fields: {},
  assignedUserId: 'agent-1',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  lastInboundAt: new Date('2026-11-22T09:00:00Z'),
  marketingConsent: 'unknown',
  transactionalConsent: 'unknown',
};

export const testEvent: RuntimeEvent = {
  id: '1',
  type: 'message.received',
  occurredAt: new Date('2026-11-22T09:00:00Z'),
  contactId: testContact.id,
  payload: {
    wamid: 'wamid.in',
    phoneNumberId: '1',
    messageType: 'text',
    text: 'how much?',
    replyId: null,
    replyKind: null,
    location: null,
  },
};

function lookup(data: Record<string, unknown>, path: string): unknown {
  let current: unknown = data;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = Object.entries(current).find(([k]) => k === key)?.[1];
  }
  return current;
}

/**
 * In-memory services for unit tests of handlers: they record what a step
 * asked for. The real services are exercised by the engine's integration tests.
 */
export function testContext<T>(
  config: T,
  options: {
    send?: SendWhatsAppResult;
    data?: Record<string, unknown>;
    now?: Date;
    random?: number;
    condition?: boolean;
    http?: Awaited<ReturnType<StepServices['http']['request']>>;
    contact?: Partial<RuntimeContact>;
    /** What the CRM store answers to Find contact and Look up last order (default: nothing). */
    crmContact?: CrmContact;
    lastOrder?: CrmOrder;
  } = {},
): { context: StepContext<T>; recorded: Recorded } {
  const recorded: Recorded = { sent: [], calls: [] };
  const record = (service: string, input: unknown) => recorded.calls.push({ service, input });
  const data = { contact: { first_name: 'Ada' }, ...options.data };
  const services: StepServices = {
    whatsapp: {
      send: async (request) => {
        recorded.sent.push(request);
        return options.send ?? { status: 'accepted', wamid: 'wamid.out', waId: testContact.waId, usedFallback: false };
      },
    },
    contact: {
      addTags: async (tags) => (record('addTags', tags), [...tags]),
      removeTags: async (tags) => (record('removeTags', tags), [...tags]),
      setField: async (name, value) => (record('setField', { name, value }), { changed: true, oldValue: null }),
      moveToList: async (list) => (record('moveToList', list), { changed: true, previous: null }),
      assign: async (userId) => void record('assign', userId),
      setConsent: async (kind, value) => (record('setConsent', { kind, value }), { changed: true }),
      handOver: async (note) => (record('handOver', note), { conversationId: 'conversation-1', opened: true }),
    },
    crm: {
      createOpportunity: async (input) => (record('createOpportunity', input), { id: 'opp-1', store: 'built_in' }),
      createTask: async (input) => (record('createTask', input), { id: 'task-1', store: 'built_in' }),
      addNote: async (input) => (record('addNote', input), { id: 'note-1', store: 'built_in' }),
      findContact: async (input) => (record('findContact', input), { store: 'built_in', contact: options.crmContact ?? null }),
      updateFields: async (input) => (record('updateFields', input), { changed: Object.keys(input) }),
      lastOrder: async () => (record('lastOrder', {}), options.lastOrder ?? null),
    },
    coupons: { issue: async (input) => (record('issue', input), { code: `${input.prefix}-ABC123`, expiresAt: null, reused: false }) },
    automation: { pauseContact: async (until, reason) => void record('pauseContact', { until, reason }) },
    notifier: { notify: async (input) => void record('notify', input) },
    http: {
      request: async (input) => (
        record('http', input),
        options.http ?? { ok: true, status: 200, headers: { 'content-type': 'application/json' }, body: { ok: true } }
      ),
    },
    conditions: {
      evaluate: async (rule) => (record('evaluate', rule), { result: options.condition ?? true, values: { seen: 1 } }),
      compute: async (rule) => (record('compute', rule), 42),
    },
    stores: {
      nearest: async () => (
        record('nearestStore', null),
        {
          store: { name: 'Milano Centro', address: 'Via Roma 1', city: 'Milano', latitude: 45.46, longitude: 9.19, hours: '9-19' },
          distanceKm: 1.234,
        }
      ),
    },
    render: async (template) => {
      const parsed = parseTemplate(template);
      if (!parsed.ok) throw new Error(parsed.error);
      return parsed.parts
        .map((part) => {
          if (part.kind === 'text') return part.text;
          const value = lookup(data, part.variable.path);
          return value === undefined || value === null || value === '' ? (part.variable.fallback ?? '') : String(value);
        })
        .join('');
    },
    matchIntent: (text, intent) => intent === 'price' && /price|how much/i.test(text),
    now: () => options.now ?? new Date('2026-11-22T10:00:00Z'),
    stableRandom: () => options.random ?? 0.5,
  };
  return {
    recorded,
    context: {
      config,
      nodeId: 'node-1',
      flowId: 'flow-1',
      executionId: 'exec-1',
      workspaceId: 'ws-1',
      contact: { ...testContact, ...options.contact },
      event: testEvent,
      vars: {},
      idempotencyKey: 'exec-1:node-1:0',
      attempt: 1,
      testMode: false,
      workspace: { timeZone: 'Europe/Rome' },
      services,
    },
  };
}
