import { z } from 'zod';
import { type SqlExecutor, sqlRow } from '../database/sql-rows';

/**
 * A small, hand-computed data set for the reports (docs/REPORTS.md,
 * "Fixture"): four conversations in the week of Monday 9 March 2026, Rome
 * time, with two agents, a bot hand-off, a reopened conversation, a reply
 * that waits over a weekend, a flow with three runs and an order. Tests and
 * the browser spec check the reports against the figures it is built for.
 */
export const REPORT_FIXTURE = {
  timeZone: 'Europe/Rome',
  from: '2026-03-09T00:00:00.000Z',
  to: '2026-03-17T00:00:00.000Z',
  flowName: 'Price offer',
  agents: { anna: 'anna@fixture.example', bruno: 'bruno@fixture.example' },
} as const;

interface Ids {
  numberId: string;
  anna: string;
  bruno: string;
}

async function id(executor: SqlExecutor, sql: string, params: unknown[]): Promise<string> {
  const row = await sqlRow(executor, z.object({ id: z.string() }), sql, params);
  if (!row) throw new Error('insert returned nothing');
  return row.id;
}

/** Inserts the fixture into a workspace that has a WhatsApp number; sets its time zone. Returns the flow's id. */
export async function insertReportFixture(executor: SqlExecutor, workspaceId: string): Promise<{ flowId: string }> {
  const numberId = await id(executor, 'SELECT id FROM whatsapp_numbers WHERE workspace_id = $1 ORDER BY created_at LIMIT 1', [workspaceId]);
  await executor.query(`UPDATE workspaces SET settings = settings || jsonb_build_object('timeZone', $2::text) WHERE id = $1`, [
    workspaceId,
    REPORT_FIXTURE.timeZone,
  ]);
  const user = (email: string, name: string) =>
    id(
      executor,
      `INSERT INTO users (workspace_id, email, display_name, password_hash, role) VALUES ($1, $2, $3, 'fixture-no-login', 'support')
       ON CONFLICT (email) DO UPDATE SET display_name = EXCLUDED.display_name RETURNING id`,
      [workspaceId, email, name],
    );
  const ids: Ids = {
    numberId,
    anna: await user(REPORT_FIXTURE.agents.anna, 'Anna'),
    bruno: await user(REPORT_FIXTURE.agents.bruno, 'Bruno'),
  };
  const contact = (wa: string, name: string) =>
    id(
      executor,
      `INSERT INTO contacts (workspace_id, wa_id, phone_e164, display_name, whatsapp_number_id) VALUES ($1, $2, '+' || $2, $3, $4) RETURNING id`,
      [workspaceId, wa, name, numberId],
    );
  const c1 = await contact('393330000001', 'Giulia');
  const c2 = await contact('48500000002', 'Piotr');
  const c3 = await contact('393330000003', 'Marco');
  const c4 = await contact('393330000004', 'Sara');
  const conversation = (contactId: string) =>
    id(
      executor,
      `INSERT INTO conversations (workspace_id, contact_id, whatsapp_number_id, status, last_activity_at) VALUES ($1, $2, $3, 'open', now()) RETURNING id`,
      [workspaceId, contactId, numberId],
    );
  const k1 = await conversation(c1);
  const k2 = await conversation(c2);
  const k3 = await conversation(c3);
  const k4 = await conversation(c4);

  // A flow document the editor opens (its Performance tab shows these figures).
  const definition = {
    schemaVersion: 1,
    nodes: [
      { id: 'trigger', type: 'trigger.inbound_message', typeVersion: 1, label: 'Customer asks', position: { x: 0, y: 0 }, config: {} },
      { id: 'send', type: 'whatsapp.send_message', typeVersion: 1, label: 'Send price offer', position: { x: 0, y: 320 }, config: {} },
    ],
    edges: [{ id: 'trigger-send', source: 'trigger', sourceOutput: 'then', target: 'send' }],
  };
  const flowId = await id(executor, `INSERT INTO flows (workspace_id, name, draft) VALUES ($1, $2, $3) RETURNING id`, [
    workspaceId,
    REPORT_FIXTURE.flowName,
    JSON.stringify(definition),
  ]);
  const versionId = await id(
    executor,
    `INSERT INTO flow_versions (workspace_id, flow_id, version, definition, trigger_type) VALUES ($1, $2, 1, $3, 'message.received') RETURNING id`,
    [workspaceId, flowId, JSON.stringify(definition)],
  );
  let wamid = 0;
  const message = async (m: {
    contactId: string;
    conversationId: string;
    direction: 'inbound' | 'outbound';
    at: string;
    text?: string;
    userId?: string;
    executionId?: string;
    status?: string;
    statusAt?: string;
    errorCode?: string;
    template?: string;
  }) => {
    wamid += 1;
    await executor.query(
      `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at, status, status_at,
                             execution_id, node_id, conversation_id, sent_by_user_id, category, error_code, business_initiated)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        workspaceId,
        m.contactId,
        numberId,
        m.direction,
        `wamid.fixture.${workspaceId}.${wamid}`,
        m.template ? 'template' : 'text',
        m.text ?? null,
        JSON.stringify(m.template ? { type: 'template', template: { name: m.template } } : { type: 'text' }),
        m.at,
        m.status ?? null,
        m.statusAt ?? (m.status ? m.at : null),
        m.executionId ?? null,
        m.executionId ? 'send' : null,
        m.conversationId,
        m.userId ?? null,
        m.template ? 'marketing' : null,
        m.errorCode ?? null,
        m.template !== undefined,
      ],
    );
  };
  const note = (conversationId: string, at: string, details: Record<string, unknown>, text: string, userId: string | null) =>
    executor.query(
      `INSERT INTO conversation_notes (workspace_id, conversation_id, kind, author_user_id, text, details, occurred_at) VALUES ($1, $2, 'activity', $3, $4, $5, $6)`,
      [workspaceId, conversationId, userId, text, JSON.stringify(details), at],
    );
  const execution = async (contactId: string, at: string, status: 'succeeded' | 'failed' = 'succeeded') => {
    const executionId = await id(
      executor,
      // No finished_at: the pruning of finished runs (180 days by default) would delete these months-old runs; an ended run
      // without one counts in the hour it started.
      `INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, status, started_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [workspaceId, flowId, versionId, contactId, status, at],
    );
    let sequence = 0;
    // The send step of a failed run left by no output (it failed).
    for (const [nodeId, nodeType, output] of [
      ['trigger', 'trigger.message_received', 'then'],
      ['send', 'whatsapp.send_template', status === 'failed' ? null : 'next'],
    ]) {
      sequence += 1;
      await executor.query(
        `INSERT INTO execution_steps (workspace_id, execution_id, sequence, node_id, node_type, node_type_version, status, started_at, output_name)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8)`,
        [workspaceId, executionId, sequence, nodeId, nodeType, output === null ? 'failed' : 'succeeded', at, output],
      );
    }
    return executionId;
  };

  // The flow: three runs. E3's message fails (Monday 06:00 UTC, over 24 h before Marco writes).
  const e3 = await execution(c3, '2026-03-09T06:00:00Z', 'failed');
  await message({
    contactId: c3,
    conversationId: k3,
    direction: 'outbound',
    at: '2026-03-09T06:00:01Z',
    executionId: e3,
    status: 'failed',
    errorCode: '131049',
    template: 'price_offer',
  });
  const e2 = await execution(c1, '2026-03-09T08:00:00Z');
  await message({
    contactId: c1,
    conversationId: k1,
    direction: 'outbound',
    at: '2026-03-09T08:00:05Z',
    executionId: e2,
    status: 'delivered',
    template: 'price_offer',
  });
  const e1 = await execution(c2, '2026-03-09T10:00:00Z');

  // K1, Giulia: replies after 4 min (Anna) and 20 min (Bruno); Bruno resolves 40 min after she wrote.
  await message({
    contactId: c1,
    conversationId: k1,
    direction: 'inbound',
    at: '2026-03-09T09:00:00Z',
    text: 'Quanto costa il divano? Sconto?',
  });
  await message({
    contactId: c1,
    conversationId: k1,
    direction: 'outbound',
    at: '2026-03-09T09:04:00Z',
    userId: ids.anna,
    status: 'sent',
    text: 'Ciao!',
  });
  await message({ contactId: c1, conversationId: k1, direction: 'inbound', at: '2026-03-09T09:10:00Z', text: 'Il divano blu' });
  await message({
    contactId: c1,
    conversationId: k1,
    direction: 'outbound',
    at: '2026-03-09T09:30:00Z',
    userId: ids.bruno,
    status: 'sent',
    text: 'Certo',
  });
  await note(k1, '2026-03-09T09:40:00Z', { event: 'set_status', status: 'resolved' }, 'Bruno resolved it', ids.bruno);

  // K2, Piotr: the bot answers, then hands over; Anna answers 6 min after the hand-off.
  await message({
    contactId: c2,
    conversationId: k2,
    direction: 'inbound',
    at: '2026-03-09T10:00:00Z',
    text: 'Price of the sofa? Discount?',
  });
  await message({
    contactId: c2,
    conversationId: k2,
    direction: 'outbound',
    at: '2026-03-09T10:00:05Z',
    executionId: e1,
    status: 'read',
    statusAt: '2026-03-09T10:05:05Z',
    template: 'price_offer',
  });
  await message({ contactId: c2, conversationId: k2, direction: 'inbound', at: '2026-03-09T10:03:00Z', text: 'A human for the sofa' });
  await note(k2, '2026-03-09T10:03:10Z', { event: 'hand_over' }, 'Price offer handed it over to a person', null);
  await message({
    contactId: c2,
    conversationId: k2,
    direction: 'outbound',
    at: '2026-03-09T10:09:10Z',
    userId: ids.anna,
    status: 'sent',
    text: 'Hi Piotr',
  });

  // K3, Marco: resolved Tuesday (Bruno 9 min, resolved by Anna at 15 min), reopened by his message Wednesday (Anna 1 min, resolved at 10 min).
  await message({ contactId: c3, conversationId: k3, direction: 'inbound', at: '2026-03-10T09:00:00Z', text: 'Dove è il mio ordine?' });
  await message({
    contactId: c3,
    conversationId: k3,
    direction: 'outbound',
    at: '2026-03-10T09:09:00Z',
    userId: ids.bruno,
    status: 'sent',
    text: 'In arrivo',
  });
  await note(k3, '2026-03-10T09:15:00Z', { event: 'set_status', status: 'resolved' }, 'Anna resolved it', ids.anna);
  await message({ contactId: c3, conversationId: k3, direction: 'inbound', at: '2026-03-11T09:00:00Z', text: 'Ancora niente ordine' });
  await message({
    contactId: c3,
    conversationId: k3,
    direction: 'outbound',
    at: '2026-03-11T09:01:00Z',
    userId: ids.anna,
    status: 'sent',
    text: 'Controllo',
  });
  await note(k3, '2026-03-11T09:10:00Z', { event: 'set_status', status: 'resolved' }, 'Anna resolved it', ids.anna);

  // K4, Sara: writes Friday 17:30 Rome, Anna answers Monday 09:15 (calendar 229500 s, business 2700 s).
  await message({ contactId: c4, conversationId: k4, direction: 'inbound', at: '2026-03-13T16:30:00Z', text: 'Orari del negozio?' });
  await message({
    contactId: c4,
    conversationId: k4,
    direction: 'outbound',
    at: '2026-03-16T08:15:00Z',
    userId: ids.anna,
    status: 'sent',
    text: 'Dalle 9',
  });

  // Piotr orders on Wednesday: a conversion of E1's message.
  await executor.query(
    `INSERT INTO orders (workspace_id, contact_id, external_id, status, total, currency, placed_at) VALUES ($1, $2, 'fixture-1', 'paid', 499, 'EUR', $3)`,
    [workspaceId, c2, '2026-03-11T12:00:00Z'],
  );
  await executor.query(
    `INSERT INTO report_prices (workspace_id, country, category, price, currency) VALUES
       ($1, 'IT', 'marketing', 0.0691, 'EUR'), ($1, '*', 'marketing', 0.05, 'EUR'), ($1, '*', 'service', 0, 'EUR')
     ON CONFLICT (workspace_id, country, category) DO UPDATE SET price = EXCLUDED.price`,
    [workspaceId],
  );
  return { flowId };
}
