// Set-based seed of the reports benchmark at the scale (issue 15:
// 10,000,000 messages and 1,000,000 executions over 90 days). The demo
// generator writes rows from JavaScript, which is fine for thousands of
// sessions and far too slow for millions; here every table is filled by
// INSERT ... SELECT over generate_series, in chunks of sessions.
//
// The workspace's agents, flows (with their versions and node ids) and price
// table come from the engine's demo generator run for one small day, so the
// shapes are the engine's own. Then, per session s (one flow run each):
//   - an execution of flow s % 3 (2 % failed, 2 % cancelled, else succeeded)
//     and its three steps (trigger, offer, handover);
//   - messages/executions messages (10 by default): the flow's template (4 %
//     failed with a WhatsApp error code, else sent / delivered / read), then
//     the customer and an agent taking turns (customer texts in six languages,
//     some asking for a discount);
//   - a hand-over and a resolution in the conversation's activity line;
//   - an order 2 hours later for 5 % of sessions;
//   - contacts tagged "promo" (a quarter) and "vip" (one in twenty), for the tag filter.
// Sessions fall at random times over the --days days ending now, with more
// during the day than at night, so the traffic heatmap has a shape.
//
// Triggers and foreign-key checks are off while writing (session_replication_role
// = replica); the secondary indexes of the big tables are dropped first and
// recreated from their exact definitions after; foreign keys are checked in
// bulk at the end. The rollups are then built by the engine's own rebuild.

import { randomUUID } from 'node:crypto';

const BIG_TABLES = ['contacts', 'conversations', 'messages', 'executions', 'execution_steps', 'conversation_notes', 'orders'];

const TEXTS = [
  'Quanto costa il divano?',
  'Avete uno sconto?',
  'Dove è il mio ordine?',
  'Orari del negozio?',
  'What is the price of the sofa?',
  'Any discount today?',
  'Where is my order?',
  'Ile kosztuje sofa?',
  'Czy jest rabat?',
  '¿Cuánto cuesta el sofá?',
  '¿Hay descuento?',
  'Wie viel kostet das Sofa?',
  'Gibt es einen Rabatt?',
  'Combien coûte le canapé ?',
  'Y a-t-il une remise ?',
  'Grazie mille',
  'Thanks a lot',
];
const COUNTRY_CODES = ['39', '39', '39', '44', '48', '34', '49', '33'];

async function secondaryIndexes(client, table) {
  return (
    await client.query(
      `SELECT ci.relname AS name, pg_get_indexdef(i.indexrelid) AS indexdef, con.conname, pg_get_constraintdef(con.oid) AS condef
         FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
         LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
        WHERE i.indrelid = $1::regclass AND NOT i.indisprimary ORDER BY ci.relname`,
      [table],
    )
  ).rows;
}

/**
 * Seeds `options.executions` sessions of `options.messages / options.executions`
 * messages each into the first workspace. `log(text)` reports progress.
 */
export async function seedAtScale(client, options, log) {
  const { seedDemoData } = options.engineRequire('./dist/reports/demo-data.js');
  const ws = (await client.query('SELECT id FROM workspaces ORDER BY created_at LIMIT 1')).rows[0].id;
  const numberId = (await client.query('SELECT id FROM whatsapp_numbers WHERE workspace_id = $1 LIMIT 1', [ws])).rows[0].id;
  const executor = { query: async (sql, params) => (await client.query(sql, params)).rows };
  await client.query('SET session_replication_role = replica');
  // Agents, flows and the price table, the engine's way (a handful of demo rows come with them).
  await seedDemoData(executor, ws, { days: 1, sessionsPerDay: 5, now: new Date(), seed: 20 });
  const flows = (
    await client.query(
      `SELECT f.id AS flow_id, v.id AS version_id FROM flows f JOIN flow_versions v ON v.flow_id = f.id
        WHERE f.workspace_id = $1 AND f.name LIKE '% (demo)' ORDER BY f.name`,
      [ws],
    )
  ).rows;
  const agents = (
    await client.query(`SELECT id FROM users WHERE workspace_id = $1 AND email LIKE '%@demo.parley.local' ORDER BY email`, [ws])
  ).rows.map((r) => r.id);
  const sessions = options.executions;
  const perSession = Math.max(2, Math.round(options.messages / options.executions));
  const contacts = options.contacts;
  const run = randomUUID().slice(0, 8);
  const now = new Date();
  const started = Date.now();
  const phase = (what) => log(`  ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);

  const dropped = [];
  for (const table of BIG_TABLES) {
    for (const index of await secondaryIndexes(client, table)) {
      await client.query(index.conname ? `ALTER TABLE ${table} DROP CONSTRAINT ${index.conname}` : `DROP INDEX ${index.name}`);
      dropped.push({ table, ...index });
    }
  }
  phase(`dropped ${dropped.length} secondary indexes of ${BIG_TABLES.join(', ')}`);

  await client.query(
    `INSERT INTO contacts (id, workspace_id, wa_id, phone_e164, display_name, whatsapp_number_id, created_at, updated_at)
     SELECT md5($4 || ':contact:' || i)::uuid, $1, w, '+' || w, 'Customer ' || i, $2, $3::timestamptz - interval '100 days', $3::timestamptz - interval '100 days'
       FROM generate_series(1, $5::int) AS i, LATERAL (SELECT ($6::text[])[1 + i % 8] || (3000000000 + i)::text AS w) AS x`,
    [ws, numberId, now, run, contacts, COUNTRY_CODES],
  );
  await client.query(
    `INSERT INTO conversations (id, workspace_id, contact_id, whatsapp_number_id, status, last_activity_at)
     SELECT md5($4 || ':conversation:' || i)::uuid, $1, md5($4 || ':contact:' || i)::uuid, $2, 'resolved', $3
       FROM generate_series(1, $5::int) AS i`,
    [ws, numberId, now, run, contacts],
  );
  // Tags for the tag filter: "promo" on a quarter of the contacts, "vip" on one in twenty (triggers are off here, so the list-order column of 1765282000001 is filled by hand).
  await client.query(
    `INSERT INTO contact_tags (workspace_id, contact_id, tag, created_at, contact_updated_at)
     SELECT c.workspace_id, c.id, t.tag, c.created_at, c.updated_at FROM contacts c
       CROSS JOIN LATERAL (SELECT abs(hashtext(c.id::text)) % 100 AS h) x
       JOIN (VALUES ('promo', 0, 25), ('vip', 95, 100)) AS t(tag, lo, hi) ON x.h >= t.lo AND x.h < t.hi
      WHERE c.workspace_id = $1
     ON CONFLICT DO NOTHING`,
    [ws],
  );
  phase(`${contacts} contacts and conversations, tagged promo (25 %) and vip (5 %)`);

  // Session s: contact 1 + s % contacts; start time drawn over the days, weighted to daytime (UTC 7-21).
  const session = `
    SELECT s, 1 + s % $3::int AS c, md5($2 || ':exec:' || s)::uuid AS eid, s % 3 AS flow,
           date_trunc('day', $1::timestamptz - make_interval(days => $4::int)) + make_interval(days => floor(random() * $4::int)::int)
             + CASE WHEN random() < 0.85 THEN interval '7 hours' + random() * interval '14 hours' ELSE random() * interval '24 hours' END AS t,
           random() AS r
      FROM generate_series($5::int, $6::int) AS s`;
  const chunk = options.chunk;
  for (let lo = 1; lo <= sessions; lo += chunk) {
    const hi = Math.min(sessions, lo + chunk - 1);
    await client.query('BEGIN');
    await client.query(
      `CREATE TEMP TABLE chunk ON COMMIT DROP AS
       SELECT x.*, ($7::uuid[])[1 + x.flow] AS flow_id, ($8::uuid[])[1 + x.flow] AS version_id,
              ($9::uuid[])[1 + (x.s % array_length($9::uuid[], 1))] AS agent
         FROM (${session}) x`,
      [now, run, contacts, options.days, lo, hi, flows.map((f) => f.flow_id), flows.map((f) => f.version_id), agents],
    );
    await client.query(
      `INSERT INTO executions (id, workspace_id, flow_id, flow_version_id, contact_id, status, started_at, finished_at, updated_at)
       SELECT eid, $1, flow_id, version_id, md5($2 || ':contact:' || c)::uuid,
              CASE WHEN s % 50 = 0 THEN 'failed' WHEN s % 50 = 1 THEN 'cancelled' ELSE 'succeeded' END, t, t + interval '10 seconds', t + interval '10 seconds'
         FROM chunk`,
      [ws, run],
    );
    await client.query(
      `INSERT INTO execution_steps (workspace_id, execution_id, sequence, node_id, node_type, node_type_version, status, started_at, finished_at)
       SELECT $1, eid, k, (ARRAY['trigger','offer','handover'])[k], (ARRAY['trigger.message_received','whatsapp.send_template','conversation.hand_over'])[k],
              1, 'succeeded', t + make_interval(secs => k), t + make_interval(secs => k)
         FROM chunk, generate_series(1, CASE WHEN s % 50 = 0 THEN 2 ELSE 3 END) AS k`,
      [ws],
    );
    // Message k of a session: 0 the flow's template, then the customer (odd k) and an agent (even k) in turn.
    await client.query(
      `INSERT INTO messages (workspace_id, whatsapp_number_id, contact_id, conversation_id, direction, wamid, type, text, payload, occurred_at,
                             status, status_at, execution_id, node_id, sent_by_user_id, category, error_code, business_initiated)
       SELECT $1, $2, md5($3 || ':contact:' || c)::uuid, md5($3 || ':conversation:' || c)::uuid,
              CASE WHEN k % 2 = 1 THEN 'inbound' ELSE 'outbound' END, 'wamid.scale.' || $3 || '.' || s || '.' || k,
              CASE WHEN k = 0 THEN 'template' ELSE 'text' END,
              CASE WHEN k = 0 THEN NULL WHEN k % 2 = 1 THEN ($5::text[])[1 + (s * 7 + k) % array_length($5::text[], 1)] ELSE 'Certo, ecco i dettagli' END,
              CASE WHEN k = 0 THEN jsonb_build_object('type', 'template', 'template', jsonb_build_object('name', (ARRAY['price_offer','cart_reminder','order_shipped'])[1 + flow]))
                   ELSE '{"type":"text"}'::jsonb END,
              t + make_interval(secs => 180 * k),
              CASE WHEN k % 2 = 1 THEN NULL WHEN k = 0 AND r < 0.04 THEN 'failed' WHEN r < 0.64 THEN 'read' WHEN r < 0.9 THEN 'delivered' ELSE 'sent' END,
              CASE WHEN k % 2 = 1 THEN NULL ELSE t + make_interval(secs => 180 * k + 60) END,
              CASE WHEN k = 0 THEN eid END, CASE WHEN k = 0 THEN 'offer' END, CASE WHEN k > 0 AND k % 2 = 0 THEN agent END,
              CASE WHEN k = 0 THEN (ARRAY['marketing','marketing','utility'])[1 + flow] END,
              CASE WHEN k = 0 AND r < 0.04 THEN (ARRAY['131049','131026','131047','130472'])[1 + s % 4] END, k = 0
         FROM chunk, generate_series(0, $4::int - 1) AS k`,
      [ws, numberId, run, perSession, TEXTS],
    );
    await client.query(
      `INSERT INTO conversation_notes (workspace_id, conversation_id, kind, author_user_id, text, details, occurred_at)
       SELECT $1, md5($2 || ':conversation:' || c)::uuid, 'activity', a.author, a.text, a.details::jsonb, a.at
         FROM chunk, LATERAL (VALUES (NULL::uuid, 'The flow handed the conversation over', '{"event":"hand_over"}', t + interval '200 seconds'),
                                     (agent, 'Agent resolved it', '{"event":"set_status","status":"resolved"}', t + make_interval(secs => 180 * $3::int))) AS a(author, text, details, at)`,
      [ws, run, perSession],
    );
    await client.query(
      `INSERT INTO orders (workspace_id, contact_id, external_id, status, total, currency, placed_at)
       SELECT $1, md5($2 || ':contact:' || c)::uuid, 'scale-' || $2 || '-' || s, 'paid', 50 + (s % 20) * 25, 'EUR', t + interval '2 hours'
         FROM chunk WHERE s % 20 = 0 AND t + interval '2 hours' < $3::timestamptz`,
      [ws, run, now],
    );
    await client.query('COMMIT');
    phase(`sessions ${lo}–${hi} of ${sessions}`);
  }

  for (const index of dropped) {
    await client.query(index.conname ? `ALTER TABLE ${index.table} ADD CONSTRAINT ${index.conname} ${index.condef}` : index.indexdef);
    phase(`recreated ${index.name}`);
  }
  const orphans = (
    await client.query(
      `SELECT (SELECT count(*) FROM messages m WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = m.contact_id))::int AS messages_contact,
              (SELECT count(*) FROM messages m WHERE m.conversation_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM conversations k WHERE k.id = m.conversation_id))::int AS messages_conversation,
              (SELECT count(*) FROM executions e WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = e.contact_id))::int AS executions_contact,
              (SELECT count(*) FROM execution_steps x WHERE NOT EXISTS (SELECT 1 FROM executions e WHERE e.id = x.execution_id))::int AS steps_execution,
              (SELECT count(*) FROM conversation_notes n WHERE NOT EXISTS (SELECT 1 FROM conversations k WHERE k.id = n.conversation_id))::int AS notes_conversation`,
    )
  ).rows[0];
  if (Object.values(orphans).some((n) => n !== 0)) throw new Error(`rows without their parent: ${JSON.stringify(orphans)}`);
  phase(`foreign keys checked in bulk: ${JSON.stringify(orphans)}`);
  await client.query('SET session_replication_role = origin');
  await client.query('DELETE FROM report_changes');
  await client.query('ANALYZE');
  phase('analyzed');
  return { ms: Date.now() - started };
}
