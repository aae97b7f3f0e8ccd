import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type SqlExecutor, sqlRow, sqlRows } from '../database/sql-rows';

export interface DemoOptions {
  /** Days of history, ending now. */
  days: number;
  /** Customer sessions per day (each is 2-6 messages). */
  sessionsPerDay: number;
  now: Date;
  /** Same seed, same data. */
  seed?: number;
  /** Called after each batch with the rows written so far. */
  progress?: (written: { messages: number; executions: number }) => void;
}

const VOCABULARY = {
  it: [
    'Quanto costa il divano?',
    'Avete uno sconto?',
    'Dove è il mio ordine?',
    'Orari del negozio?',
    'Vorrei il divano blu',
    'Consegna a Milano?',
  ],
  en: [
    'What is the price of the sofa?',
    'Any discount today?',
    'Where is my order?',
    'Is the store open on Sunday?',
    'I want the blue sofa',
  ],
  pl: ['Ile kosztuje sofa?', 'Czy jest rabat?', 'Gdzie jest moje zamówienie?', 'Dostawa do Krakowa?'],
  es: ['¿Cuánto cuesta el sofá?', '¿Hay descuento?', '¿Dónde está mi pedido?'],
  de: ['Wie viel kostet das Sofa?', 'Gibt es einen Rabatt?', 'Wo ist meine Bestellung?'],
  fr: ['Combien coûte le canapé ?', 'Y a-t-il une remise ?', 'Où est ma commande ?'],
} as const;
const COUNTRIES: [string, keyof typeof VOCABULARY][] = [
  ['39', 'it'],
  ['39', 'it'],
  ['39', 'it'],
  ['44', 'en'],
  ['48', 'pl'],
  ['34', 'es'],
  ['49', 'de'],
  ['33', 'fr'],
];
const FAILURES = ['131049', '131026', '131047', '130472'];
const DEMO_FLOWS = [
  { name: 'Price question → offer', template: 'price_offer' },
  { name: 'Abandoned cart reminder', template: 'cart_reminder' },
  { name: 'Order shipped', template: 'order_shipped' },
];

/** A small deterministic generator (LCG): demo data is the same on every clone. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Rows {
  messages: unknown[][];
  executions: unknown[][];
  steps: unknown[][];
  notes: unknown[][];
  orders: unknown[][];
}

/**
 * Writes realistic report data into a workspace (it needs a WhatsApp number):
 * agents, contacts in six countries, flows whose runs send templates that are
 * delivered, read, failed and replied to, customers who write in their
 * language at busy hours, bot hand-offs, agents who answer (one of them
 * slowly), resolutions, reopenings and orders, and a price table. Used by
 * `cli.js seed:demo` and the reports benchmark. Rollups follow from the
 * triggers; callers rebuild at the end for speed.
 */
export async function seedDemoData(
  executor: SqlExecutor,
  workspaceId: string,
  options: DemoOptions,
): Promise<{ messages: number; executions: number }> {
  const random = generator(options.seed ?? 15);
  const pick = <T>(list: readonly T[]): T => {
    const item = list[Math.floor(random() * list.length)];
    if (item === undefined) throw new Error('nothing to pick from');
    return item;
  };
  const number = await sqlRow(
    executor,
    z.object({ id: z.string() }),
    'SELECT id FROM whatsapp_numbers WHERE workspace_id = $1 ORDER BY created_at LIMIT 1',
    [workspaceId],
  );
  if (!number) throw new Error('The workspace has no WhatsApp number: add one first.');
  const tag = `${workspaceId.slice(0, 8)}-${options.seed ?? 15}-${options.now.getTime()}`;
  const agents: string[] = [];
  for (const name of ['Anna', 'Bruno', 'Chiara']) {
    const row = await sqlRow(
      executor,
      z.object({ id: z.string() }),
      `INSERT INTO users (workspace_id, email, display_name, password_hash, role) VALUES ($1, $2, $3, 'demo-no-login', 'support')
       ON CONFLICT (email) DO UPDATE SET display_name = EXCLUDED.display_name RETURNING id`,
      [workspaceId, `${name.toLowerCase()}.${workspaceId.slice(0, 8)}@demo.parley.local`, `${name} (demo)`],
    );
    if (row) agents.push(row.id);
  }
  const flows: { flowId: string; versionId: string; template: string }[] = [];
  for (const flow of DEMO_FLOWS) {
    const definition = {
      schemaVersion: 1,
      nodes: [
        { id: 'trigger', type: 'trigger.message_received', label: 'Customer writes', config: {} },
        { id: 'offer', type: 'whatsapp.send_template', label: `Send ${flow.template}`, config: {} },
        { id: 'handover', type: 'conversation.hand_over', label: 'Hand over to a person', config: {} },
      ],
      edges: [
        { from: 'trigger', to: 'offer' },
        { from: 'offer', to: 'handover' },
      ],
    };
    const flowRow = await sqlRow(
      executor,
      z.object({ id: z.string() }),
      'INSERT INTO flows (workspace_id, name, draft) VALUES ($1, $2, $3) RETURNING id',
      [workspaceId, `${flow.name} (demo)`, JSON.stringify(definition)],
    );
    const versionRow = await sqlRow(
      executor,
      z.object({ id: z.string() }),
      `INSERT INTO flow_versions (workspace_id, flow_id, version, definition, trigger_type) VALUES ($1, $2, 1, $3, 'message.received') RETURNING id`,
      [workspaceId, flowRow?.id, JSON.stringify(definition)],
    );
    if (flowRow && versionRow) flows.push({ flowId: flowRow.id, versionId: versionRow.id, template: flow.template });
  }
  const totalSessions = options.days * options.sessionsPerDay;
  const contactCount = Math.max(20, Math.ceil(totalSessions / 6));
  const contacts: { id: string; conversationId: string; language: keyof typeof VOCABULARY }[] = [];
  for (let start = 0; start < contactCount; start += 5000) {
    const size = Math.min(5000, contactCount - start);
    const countries = Array.from({ length: size }, () => pick(COUNTRIES));
    const waIds = countries.map(([code], i) => `${code}${String(700000000 + start + i).padStart(9, '0')}`);
    const created = await sqlRows(
      executor,
      z.object({ id: z.string(), wa_id: z.string() }),
      `INSERT INTO contacts (workspace_id, wa_id, phone_e164, display_name, whatsapp_number_id)
       SELECT $1, w, '+' || w, 'Demo ' || w, $3 FROM unnest($2::text[]) w
       ON CONFLICT (workspace_id, wa_id) WHERE wa_id IS NOT NULL DO UPDATE SET updated_at = now() RETURNING id, wa_id`,
      [workspaceId, waIds, number.id],
    );
    const conversations = await sqlRows(
      executor,
      z.object({ id: z.string(), contact_id: z.string() }),
      `INSERT INTO conversations (workspace_id, contact_id, whatsapp_number_id, status, last_activity_at)
       SELECT $1, c, $3, 'resolved', now() FROM unnest($2::uuid[]) c
       ON CONFLICT (contact_id, whatsapp_number_id) DO UPDATE SET updated_at = now() RETURNING id, contact_id`,
      [workspaceId, created.map((c) => c.id), number.id],
    );
    const byContact = new Map(conversations.map((c) => [c.contact_id, c.id]));
    created.forEach((c, i) => contacts.push({ id: c.id, conversationId: byContact.get(c.id) ?? '', language: countries[i]?.[1] ?? 'it' }));
  }

  let rows: Rows = { messages: [], executions: [], steps: [], notes: [], orders: [] };
  let written = { messages: 0, executions: 0 };
  let wamid = 0;
  const flush = async () => {
    if (rows.executions.length > 0) {
      const col = (i: number) => rows.executions.map((r) => r[i]);
      await executor.query(
        `INSERT INTO executions (id, workspace_id, flow_id, flow_version_id, contact_id, status, started_at, finished_at)
         SELECT id, $1, f, v, c, 'succeeded', s, s + interval '10 seconds' FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::timestamptz[]) AS t(id, f, v, c, s)`,
        [workspaceId, col(0), col(1), col(2), col(3), col(4)],
      );
    }
    if (rows.steps.length > 0) {
      const col = (i: number) => rows.steps.map((r) => r[i]);
      await executor.query(
        `INSERT INTO execution_steps (workspace_id, execution_id, sequence, node_id, node_type, node_type_version, status, started_at, finished_at)
         SELECT $1, e, q, n, t, 1, 'succeeded', s, s FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::timestamptz[]) AS x(e, q, n, t, s)`,
        [workspaceId, col(0), col(1), col(2), col(3), col(4)],
      );
    }
    if (rows.messages.length > 0) {
      const col = (i: number) => rows.messages.map((r) => r[i]);
      await executor.query(
        `INSERT INTO messages (workspace_id, whatsapp_number_id, contact_id, conversation_id, direction, wamid, type, text, payload, occurred_at,
                               status, status_at, execution_id, node_id, sent_by_user_id, category, error_code, business_initiated)
         SELECT $1, $2, c, k, d, w, CASE WHEN tpl IS NULL THEN 'text' ELSE 'template' END, tx,
                CASE WHEN tpl IS NULL THEN '{"type":"text"}'::jsonb ELSE jsonb_build_object('type', 'template', 'template', jsonb_build_object('name', tpl)) END,
                at, st, sa, e, n, u, cat, err, tpl IS NOT NULL
           FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::text[], $11::timestamptz[],
                       $12::uuid[], $13::text[], $14::uuid[], $15::text[], $16::text[])
                AS m(c, k, d, w, tx, tpl, at, st, sa, e, n, u, cat, err)`,
        [workspaceId, number.id, ...Array.from({ length: 14 }, (_, i) => col(i))],
      );
    }
    if (rows.notes.length > 0) {
      const col = (i: number) => rows.notes.map((r) => r[i]);
      await executor.query(
        `INSERT INTO conversation_notes (workspace_id, conversation_id, kind, author_user_id, text, details, occurred_at)
         SELECT $1, k, 'activity', u, tx, d::jsonb, at FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[]) AS n(k, u, tx, d, at)`,
        [workspaceId, col(0), col(1), col(2), col(3), col(4)],
      );
    }
    if (rows.orders.length > 0) {
      const col = (i: number) => rows.orders.map((r) => r[i]);
      await executor.query(
        `INSERT INTO orders (workspace_id, contact_id, external_id, status, total, currency, placed_at)
         SELECT $1, c, x, 'paid', t, 'EUR', at FROM unnest($2::uuid[], $3::text[], $4::numeric[], $5::timestamptz[]) AS o(c, x, t, at)
         ON CONFLICT (workspace_id, external_id) DO NOTHING`,
        [workspaceId, col(0), col(1), col(2), col(3)],
      );
    }
    written = { messages: written.messages + rows.messages.length, executions: written.executions + rows.executions.length };
    rows = { messages: [], executions: [], steps: [], notes: [], orders: [] };
    options.progress?.(written);
  };

  const message = (
    contact: (typeof contacts)[number],
    direction: 'inbound' | 'outbound',
    at: number,
    extra: {
      text?: string;
      template?: string;
      status?: string;
      statusAt?: number;
      executionId?: string;
      nodeId?: string;
      userId?: string;
      error?: string;
    } = {},
  ) => {
    wamid += 1;
    rows.messages.push([
      contact.id,
      contact.conversationId,
      direction,
      `wamid.demo.${tag}.${wamid}`,
      extra.text ?? null,
      extra.template ?? null,
      new Date(at).toISOString(),
      extra.status ?? null,
      extra.status ? new Date(extra.statusAt ?? at).toISOString() : null,
      extra.executionId ?? null,
      extra.nodeId ?? null,
      extra.userId ?? null,
      extra.template ? (extra.template === 'order_shipped' ? 'utility' : 'marketing') : direction === 'outbound' ? 'service' : null,
      extra.error ?? null,
    ]);
  };
  const minute = 60_000;
  const end = options.now.getTime();
  const start = end - options.days * 86_400_000;
  for (let s = 0; s < totalSessions; s += 1) {
    const contact = pick(contacts);
    // Busy at late morning and late afternoon (UTC+1-ish), quieter at night and on Sundays.
    const day = start + Math.floor(random() * options.days) * 86_400_000;
    const hour = random() < 0.8 ? pick([8, 9, 9, 10, 10, 11, 13, 14, 15, 15, 16, 17]) : Math.floor(random() * 24);
    let t = day + hour * 3_600_000 + Math.floor(random() * 3_600_000);
    if (t > end - 3_600_000) continue;
    if (new Date(t).getUTCDay() === 0 && random() < 0.6) continue;
    const text = () => pick(VOCABULARY[contact.language]);
    const flowRun = random() < 0.6;
    let customerWaiting = false;
    if (flowRun) {
      const flow = pick(flows);
      const executionId = randomUUID();
      rows.executions.push([executionId, flow.flowId, flow.versionId, contact.id, new Date(t).toISOString()]);
      rows.steps.push([executionId, 1, 'trigger', 'trigger.message_received', new Date(t).toISOString()]);
      rows.steps.push([executionId, 2, 'offer', 'whatsapp.send_template', new Date(t + 1000).toISOString()]);
      const roll = random();
      const status = roll < 0.05 ? 'failed' : roll < 0.15 ? 'sent' : roll < 0.4 ? 'delivered' : 'read';
      message(contact, 'outbound', t + 2000, {
        template: flow.template,
        status,
        statusAt: t + 2000 + (status === 'read' ? Math.floor(random() * 90 * minute) : 3000),
        executionId,
        nodeId: 'offer',
        ...(status === 'failed' ? { error: pick(FAILURES) } : {}),
      });
      if (status !== 'failed' && random() < 0.45) {
        t += 2000 + Math.floor(random() * 120 * minute);
        message(contact, 'inbound', t, { text: text() });
        customerWaiting = true;
        if (random() < 0.4) {
          rows.steps.push([executionId, 3, 'handover', 'conversation.hand_over', new Date(t + 5000).toISOString()]);
          rows.notes.push([
            contact.conversationId,
            null,
            `${flow.template} handed it over to a person`,
            '{"event":"hand_over"}',
            new Date(t + 5000).toISOString(),
          ]);
        } else {
          customerWaiting = random() < 0.3;
        }
      }
      if (status !== 'failed' && random() < 0.08) {
        rows.orders.push([
          contact.id,
          `demo-${tag}-${s}`,
          50 + Math.floor(random() * 900),
          new Date(t + Math.floor(random() * 6 * 86_400_000)).toISOString(),
        ]);
      }
    } else {
      message(contact, 'inbound', t, { text: text() });
      customerWaiting = true;
      if (random() < 0.3) {
        message(contact, 'inbound', t + Math.floor(random() * 3 * minute), { text: text() });
      }
    }
    if (customerWaiting) {
      const agentIndex = Math.floor(random() * agents.length);
      const agent = agents[agentIndex] ?? '';
      // Anna and Bruno answer in a few minutes; Chiara is slower (the report flags her).
      const median = agentIndex === 2 ? 11 : 3;
      const delay = Math.max(0.3, median * Math.exp((random() - 0.5) * 2.4)) * minute;
      t += delay;
      message(contact, 'outbound', t, {
        status: random() < 0.7 ? 'read' : 'delivered',
        statusAt: t + 30_000,
        userId: agent,
        text: 'Ciao, ti aiuto subito',
      });
      if (random() < 0.5) {
        t += Math.floor(random() * 10 * minute);
        message(contact, 'inbound', t, { text: text() });
        t += Math.max(0.3, median * Math.exp((random() - 0.5) * 2)) * minute;
        message(contact, 'outbound', t, { status: 'read', statusAt: t + 60_000, userId: agent, text: 'Fatto!' });
      }
      t += Math.floor((5 + random() * 55) * minute);
      rows.notes.push([
        contact.conversationId,
        agent,
        'resolved it',
        '{"event":"set_status","status":"resolved"}',
        new Date(t).toISOString(),
      ]);
    }
    if (rows.messages.length >= 5000) await flush();
  }
  await flush();
  await executor.query(
    `INSERT INTO report_prices (workspace_id, country, category, price, currency) VALUES
       ($1, 'IT', 'marketing', 0.0691, 'EUR'), ($1, 'IT', 'utility', 0.0200, 'EUR'), ($1, 'IT', 'authentication', 0.0350, 'EUR'),
       ($1, 'DE', 'marketing', 0.1365, 'EUR'), ($1, 'FR', 'marketing', 0.1432, 'EUR'), ($1, 'ES', 'marketing', 0.0615, 'EUR'),
       ($1, 'PL', 'marketing', 0.0803, 'EUR'), ($1, 'GB', 'marketing', 0.0705, 'EUR'),
       ($1, '*', 'marketing', 0.0750, 'EUR'), ($1, '*', 'utility', 0.0200, 'EUR'), ($1, '*', 'authentication', 0.0350, 'EUR'), ($1, '*', 'service', 0, 'EUR')
     ON CONFLICT (workspace_id, country, category) DO NOTHING`,
    [workspaceId],
  );
  return written;
}
