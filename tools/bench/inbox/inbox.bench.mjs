// Inbox benchmark (issue 11): with 100,000 conversations and 10,000,000
// messages, how fast the first page of GET /api/conversations and of a
// conversation's messages answer (p99 < 100 ms), and whether 200 open SSE
// clients of GET /api/stream receive each new message within 1 s (p99) while
// 200 messages/s arrive as signed webhooks.
//
// Real parts only: the built engine (apps/engine/dist) as its own process,
// the machine's PostgreSQL, real HTTP and SSE. The seed is set-based SQL and
// is kept between runs (--reseed to make it again).
//
//   node tools/bench/inbox/inbox.bench.mjs [--conversations=100000] [--messages-per=100]
//        [--samples=400] [--clients=200] [--rate=200] [--seconds=30] [--db=parley_bench_inbox] [--reseed]
//        [--no-pages] [--source=webhooks|events]
//
// --source=events measures the stream alone: instead of signed webhooks (which
// the engine must process first), the bench commits each message's stream
// events itself (message.created, conversation.updated, conversation.status_changed,
// as the webhook processor writes them) and notifies, as any writer does;
// latency is from that commit to each client receiving the message.

import { inboundMessagesPayload } from '../lib/whatsapp-webhook.mjs';
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import {
  apiLogin,
  BENCH,
  clearRedisPrefix,
  Client,
  DEFAULT_REDIS,
  describeMachine,
  engineEnv,
  fmt,
  freePort,
  log,
  machineInfo,
  onCleanup,
  parseOptions,
  redisReachable,
  require2,
  run,
  sleep,
  startEngine,
  summary,
  table,
  waitUntilReady,
} from '../engine/bench-lib.mjs';
import { adminToken, seededDatabase, timedGets } from '../lib/seeded-bench.mjs';

const USAGE = `node tools/bench/inbox/inbox.bench.mjs [--conversations=100000] [--messages-per=100] [--samples=400]
  [--clients=200] [--rate=200] [--seconds=30] [--db=parley_bench_inbox] [--reseed] [--no-pages] [--source=webhooks|events]
  [--mode=split|embedded] [--redis=redis://127.0.0.1:6379] [--port=0] [--seed-only] [--cpu-prof=<dir>]
  [--warmup=10]`;
const o = parseOptions(
  {
    conversations: 100_000,
    'messages-per': 100,
    samples: 400,
    clients: 200,
    rate: 200,
    seconds: 30,
    db: 'parley_bench_inbox',
    reseed: false,
    pages: true,
    source: 'webhooks',
    'seed-only': false,
    port: 0,
    mode: 'split',
    redis: DEFAULT_REDIS,
    'cpu-prof': '',
    warmup: 10,
  },
  USAGE,
);

const TEXTS = [
  'Hello, what is the price of the blue sofa?',
  'Where is my parcel? It was due yesterday',
  'Thanks, that is perfect',
  'Do you have it in green?',
  'Can I return it if it does not fit?',
  'Ok',
  'What time does the store close today?',
  'Our prices start at 10 EUR. Want a discount code?',
];

async function seed(url) {
  const client = new Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  const { rows } = await client.query(
    'SELECT w.id AS workspace, n.id AS number FROM workspaces w JOIN whatsapp_numbers n ON n.workspace_id = w.id LIMIT 1',
  );
  const { workspace, number } = rows[0];
  const agents = await client.query(`SELECT id FROM users WHERE workspace_id = $1`, [workspace]);
  const agentIds = agents.rows.map((r) => r.id);
  log(`seeding ${o.conversations} contacts and conversations`);
  await client.query(
    `INSERT INTO contacts (id, workspace_id, wa_id, phone_e164, display_name, whatsapp_number_id, last_inbound_at)
     SELECT md5('inbox-bench-contact:' || i)::uuid, $1, (390000000000 + i)::text, '+' || (390000000000 + i)::text, 'Customer ' || i, $2,
            now() - (i % 180) * interval '1 day'
       FROM generate_series(1, $3::int) AS i`,
    [workspace, number, o.conversations],
  );
  // Status mix of a busy inbox: most resolved, a quarter open, some with the bot, a few snoozed.
  await client.query(
    `INSERT INTO conversations (id, workspace_id, contact_id, whatsapp_number_id, status, assignee_user_id, waiting_since,
                                last_message_at, last_message_preview, last_message_direction, last_activity_at, last_inbound_at,
                                inbound_count, resolved_inbound_count, snoozed_until)
     SELECT md5('inbox-bench-conversation:' || i)::uuid, $1, md5('inbox-bench-contact:' || i)::uuid, $2,
            CASE WHEN i % 20 < 12 THEN 'resolved' WHEN i % 20 < 17 THEN 'open' WHEN i % 20 < 19 THEN 'pending' ELSE 'snoozed' END,
            CASE WHEN i % 3 = 0 THEN ($3::uuid[])[1 + i % array_length($3::uuid[], 1)] END,
            CASE WHEN i % 20 BETWEEN 12 AND 18 THEN now() - (i % 600) * interval '1 minute' END,
            now() - (i % 180) * interval '1 day' - (i % 1440) * interval '1 minute', 'Hello, what is the price?', 'inbound',
            now() - (i % 180) * interval '1 day' - (i % 1440) * interval '1 minute', now() - (i % 180) * interval '1 day',
            $4::int / 2, CASE WHEN i % 20 < 12 THEN $4::int / 2 ELSE 0 END,
            CASE WHEN i % 20 = 19 THEN now() + interval '1 day' END
       FROM generate_series(1, $5::int) AS i`,
    [workspace, number, agentIds, o['messages-per'], o.conversations],
  );
  // The text search index is built once after the load (maintaining a GIN index row by row is what makes bulk loads slow).
  await client.query('DROP INDEX IF EXISTS messages_search_idx');
  // Seeded rows are consistent by construction: no foreign-key checks and no per-row triggers (the reports' running
  // counts trigger made each row several statements), as pg_restore loads data.
  await client.query(`SET session_replication_role = replica`);
  const batch = 5000;
  for (let from = 1; from <= o.conversations; from += batch) {
    const to = Math.min(o.conversations, from + batch - 1);
    await client.query(
      `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, conversation_id, direction, wamid, type, text, payload, occurred_at, status, created_at)
       SELECT $1, md5('inbox-bench-contact:' || i)::uuid, $2, md5('inbox-bench-conversation:' || i)::uuid,
              CASE WHEN k % 2 = 0 THEN 'inbound' ELSE 'outbound' END, 'wamid.inboxbench.' || i || '.' || k, 'text',
              ($3::text[])[1 + (i + k) % array_length($3::text[], 1)], '{}',
              now() - (i % 180) * interval '1 day' - (i % 1440) * interval '1 minute' - ($4::int - k) * interval '2 minutes',
              CASE WHEN k % 2 = 1 THEN 'read' END,
              now() - (i % 180) * interval '1 day' - ($4::int - k) * interval '2 minutes'
         FROM generate_series($5::int, $6::int) AS i, generate_series(1, $4::int) AS k`,
      [workspace, number, TEXTS, o['messages-per'], from, to],
    );
    if ((to / batch) % 4 === 0 || to === o.conversations)
      log(`  messages of ${to} conversations (${fmt((Date.now() - started) / 1000)} s)`);
  }
  await client.query(`SET session_replication_role = DEFAULT`);
  log('building the message search index');
  await client.query(
    `CREATE INDEX messages_search_idx ON messages USING gin (to_tsvector('simple', coalesce(text, ''))) WHERE text IS NOT NULL`,
  );
  // A live table's old rows have their hint bits and visibility set by autovacuum long before anyone reads them; freshly
  // loaded ones would make each page's first read also write it (a timeline page: ~50 heap pages read and dirtied).
  log('vacuuming the loaded tables');
  await client.query('VACUUM (ANALYZE) messages, conversations, contacts');
  await client.query('ANALYZE');
  const counts = await client.query(
    'SELECT (SELECT count(*) FROM conversations) AS conversations, (SELECT count(*) FROM messages) AS messages',
  );
  await client.query(`CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb)`);
  await client.query(`INSERT INTO bench_meta VALUES ('inbox', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
    JSON.stringify({
      conversations: Number(counts.rows[0].conversations),
      messages: Number(counts.rows[0].messages),
      seconds: (Date.now() - started) / 1000,
    }),
  ]);
  await client.end();
  log(
    `seeded ${counts.rows[0].conversations} conversations, ${counts.rows[0].messages} messages in ${fmt((Date.now() - started) / 1000)} s`,
  );
}

const LIVE_MARK = '"wamid":"wamid.benchlive.';

/**
 * One SSE client on a plain keep-alive socket. Until `ready` it parses whole
 * events; after that it only scans the text for this run's message ids (the
 * 200 clients share the bench's one process and CPU, so splitting and
 * matching every event of every stream would measure the bench, not the
 * engine). Calls `onMessage(wamid, at)` per message.created of this run.
 */
function sseClient(url, token, onMessage) {
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${url}/api/stream`,
      { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`stream answered ${response.statusCode}`));
          return;
        }
        let ready = false;
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          const at = performance.now();
          buffer += chunk;
          if (!ready) {
            if (!buffer.includes('event: ready')) return;
            ready = true;
            resolve(request);
          }
          let seen = 0;
          let from = buffer.indexOf(LIVE_MARK);
          while (from !== -1) {
            const end = buffer.indexOf('"', from + LIVE_MARK.length);
            if (end === -1) break;
            onMessage(buffer.slice(from + '"wamid":"'.length, end), at);
            seen = end;
            from = buffer.indexOf(LIVE_MARK, end);
          }
          // Keep only what may hold the start of a mark cut by the chunk boundary (never one already counted).
          buffer = from !== -1 ? buffer.slice(from) : buffer.slice(Math.max(seen, buffer.length - LIVE_MARK.length));
        });
      },
    );
    request.on('error', reject);
  });
}

function webhookBody(waId, wamid, text) {
  return JSON.stringify(
    inboundMessagesPayload({
      contacts: [{ profile: { name: 'Bench customer' }, wa_id: waId }],
      messages: [{ from: waId, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
    }),
  );
}

run(async () => {
  const url = await seededDatabase(o.db, o.reseed, seed);
  if (o['seed-only']) return;
  if (!['webhooks', 'events'].includes(o.source)) throw new Error(`--source must be webhooks or events (got ${o.source})`);
  const meta = new Client({ connectionString: url });
  await meta.connect();
  // Deliveries an earlier run left unprocessed would be swept up and processed before this run's own.
  await meta.query('DELETE FROM webhook_deliveries WHERE processed_at IS NULL');
  const seeded = (await meta.query(`SELECT value FROM bench_meta WHERE key = 'inbox'`)).rows[0]?.value;
  const machine = await machineInfo(meta);

  if (!['split', 'embedded'].includes(o.mode)) throw new Error(`--mode must be split or embedded (got ${o.mode})`);
  const port = o.port || (await freePort());
  const engineUrl = `http://127.0.0.1:${port}`;
  const engines = [];
  // --cpu-prof=<dir>: each engine process writes a V8 CPU profile there when it stops (where its time went).
  const nodeArgs = o['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${o['cpu-prof']}`] : [];
  if (o.mode === 'embedded') {
    const engine = startEngine(
      'inbox-engine',
      engineEnv(url, null, { PORT: String(port), ENGINE_ROLE: 'all', LOG_LEVEL: 'error' }),
      nodeArgs,
    );
    engines.push(engine);
    await waitUntilReady(engineUrl, engine);
  } else {
    // The issue's production shape: the API (HTTP, webhooks' intake, SSE) and a worker (webhook processing) apart,
    // jobs through BullMQ on Redis under a key prefix of this run's own; events cross through PostgreSQL NOTIFY.
    require2(await redisReachable(o.redis), `Redis at ${o.redis} does not answer (--mode=split needs it)`);
    const prefix = `parleybenchinbox${randomBytes(4).toString('hex')}`;
    onCleanup(async () => log(`removed ${await clearRedisPrefix(o.redis, prefix)} Redis keys under ${prefix}:`));
    const env = engineEnv(url, null, { LOG_LEVEL: 'error', REDIS_URL: o.redis, REDIS_PREFIX: prefix });
    const workerPort = o.port ? o.port + 1 : await freePort();
    const worker = startEngine('inbox-worker', { ...env, ENGINE_ROLE: 'worker', PORT: String(workerPort) }, nodeArgs);
    engines.push(worker);
    await waitUntilReady(`http://127.0.0.1:${workerPort}`, worker);
    const engine = startEngine('inbox-api', { ...env, ENGINE_ROLE: 'api', PORT: String(port) }, nodeArgs);
    engines.push(engine);
    await waitUntilReady(engineUrl, engine);
  }
  const api = await apiLogin(engineUrl);
  const loadavg = (await import('node:os')).loadavg;
  const before = loadavg();

  log('first pages: the list and a conversation');
  // Random conversations whose seeded id is a well-formed UUID (version and variant bits), as the API's id check wants.
  const conversationIds = (
    await meta.query(
      `SELECT id FROM conversations WHERE id::text ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' ORDER BY random() LIMIT $1`,
      [o.samples],
    )
  ).rows.map((r) => r.id);
  const skipped = { count: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN };
  let [list, mine, waiting, messages, detail] = [skipped, skipped, skipped, skipped, skipped];
  if (o.pages) {
    await timedGets(api, '/api/conversations', 20); // warm-up
    list = await timedGets(api, '/api/conversations', o.samples);
    mine = await timedGets(api, '/api/conversations?assignee=unassigned&status=open', o.samples);
    waiting = await timedGets(api, '/api/conversations?sort=waiting_since', o.samples);
    messages = await timedGets(api, (i) => `/api/conversations/${conversationIds[i % conversationIds.length]}/messages`, o.samples);
    detail = await timedGets(api, (i) => `/api/conversations/${conversationIds[i % conversationIds.length]}`, o.samples);
  }

  log(`${o.clients} stream clients, ${o.rate} messages/s for ${o.seconds} s`);
  const token = await adminToken(engineUrl);
  const acknowledged = new Map();
  const latencies = [];
  const received = new Map();
  const requests = [];
  for (let c = 0; c < o.clients; c += 1) {
    requests.push(
      await sseClient(engineUrl, token, (wamid, at) => {
        received.set(wamid, (received.get(wamid) ?? 0) + 1);
        const sent = acknowledged.get(wamid);
        if (sent !== undefined) latencies.push(at - sent);
        else acknowledged.set(`early:${wamid}`, at);
      }),
    );
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const total = o.rate * o.seconds;
  // --source=events: writers that commit stream events as the webhook processor would, with a real conversation as payload.
  const workspaceId = (await meta.query('SELECT id FROM workspaces LIMIT 1')).rows[0].id;
  const sampleConversation = (await api.get('/api/conversations?limit=1')).body.data[0];
  const writers = [];
  if (o.source === 'events') {
    for (let k = 0; k < 16; k += 1) {
      const writer = new Client({ connectionString: url });
      await writer.connect();
      writers.push(writer);
    }
  }
  /** Resolves when the message's events are committed; the latency counts from then, like from a webhook's 200. */
  const commitEvents = (i, wamid, text) => {
    const at = new Date().toISOString();
    const message = {
      id: sampleConversation.id,
      wamid,
      direction: 'inbound',
      type: 'text',
      text,
      status: null,
      occurredAt: at,
      sender: { kind: 'customer' },
    };
    // conversation.updated as the ledger writes it: the id and the fields a customer's message changes.
    const changes = {
      lastActivityAt: at,
      window: { open: true, until: new Date(Date.now() + 86_100_000).toISOString() },
      inboundCount: sampleConversation.inboundCount + i + 1,
      lastMessage: { preview: text, direction: 'inbound', at },
    };
    return writers[i % writers.length].query(
      `WITH added AS (INSERT INTO stream_events (workspace_id, type, payload)
                      SELECT $1, t, p FROM unnest($2::text[], $3::jsonb[]) AS x(t, p) RETURNING 1)
       SELECT pg_notify('parley_stream_new', '') FROM (SELECT count(*) FROM added) c`,
      [
        workspaceId,
        ['message.created', 'conversation.updated', 'conversation.status_changed'],
        [
          JSON.stringify({ conversationId: sampleConversation.id, message }),
          JSON.stringify({ conversationId: sampleConversation.id, changes }),
          JSON.stringify({ conversationId: sampleConversation.id, status: 'open' }),
        ],
      ],
    );
  };
  // Warm-up (--warmup seconds at up to 20 webhooks/s, not measured, then until all are processed): a running engine has
  // its code compiled, its pools open and its caches filled; a cold one measures its own start.
  if (o.source === 'webhooks' && o.warmup > 0) {
    const warm = [];
    const warmRate = Math.min(20, o.rate);
    const warmStart = performance.now();
    for (let i = 0; i < warmRate * o.warmup; i += 1) {
      const wait = warmStart + (i * 1000) / warmRate - performance.now();
      if (wait > 0) await sleep(wait);
      const body = webhookBody(String(390000000000 + 1 + (i % o.conversations)), `wamid.benchwarm.${randomBytes(6).toString('hex')}`, 'Ok');
      const signature = `sha256=${createHmac('sha256', BENCH.appSecret).update(body).digest('hex')}`;
      warm.push(
        fetch(`${engineUrl}/webhooks/whatsapp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
          body,
        }).then((r) => r.arrayBuffer()),
      );
    }
    await Promise.all(warm);
    for (let waited = 0; waited < 120; waited += 1) {
      const left = (await meta.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE processed_at IS NULL')).rows[0].n;
      if (left === 0) break;
      await sleep(1000);
    }
    log(`warmed up: ${warm.length} webhooks in ${fmt((performance.now() - warmStart) / 1000, 1)} s`);
  }
  const runStartedAt = (await meta.query('SELECT now() AS at')).rows[0].at;
  const started = performance.now();
  let posted = 0;
  const inflight = [];
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const n = 1 + Math.floor(Math.random() * o.conversations);
    const wamid = `wamid.benchlive.${randomBytes(6).toString('hex')}.${i}`;
    if (o.source === 'events') {
      inflight.push(
        commitEvents(i, wamid, TEXTS[i % TEXTS.length]).then(
          () => {
            const at = performance.now();
            const early = acknowledged.get(`early:${wamid}`);
            if (early !== undefined) for (let k = 0; k < (received.get(wamid) ?? 0); k += 1) latencies.push(Math.max(0, early - at));
            acknowledged.set(wamid, at);
            posted += 1;
          },
          () => undefined,
        ),
      );
      continue;
    }
    const body = webhookBody(String(390000000000 + n), wamid, TEXTS[i % TEXTS.length]);
    const signature = `sha256=${createHmac('sha256', BENCH.appSecret).update(body).digest('hex')}`;
    inflight.push(
      new Promise((resolve) => {
        const request = http.request(
          `${engineUrl}/webhooks/whatsapp`,
          { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } },
          (response) => {
            response.resume();
            response.on('end', () => {
              const at = performance.now();
              const early = acknowledged.get(`early:${wamid}`);
              // An event may beat the 200 to the client (the 200 waits for its group commit): that is 0 ms late.
              if (early !== undefined) for (let k = 0; k < (received.get(wamid) ?? 0); k += 1) latencies.push(Math.max(0, early - at));
              acknowledged.set(wamid, at);
              if (response.statusCode === 200) posted += 1;
              resolve();
            });
          },
        );
        request.on('error', () => resolve());
        request.end(body);
      }),
    );
  }
  await Promise.all(inflight);
  const sendSeconds = (performance.now() - started) / 1000;
  for (const writer of writers) await writer.end();
  await sleep(5000);
  const after = loadavg();
  for (const request of requests) request.destroy();
  const expected = posted * o.clients;
  const missing = expected - latencies.length;
  const stream = summary(latencies.sort((a, b) => a - b));
  // Where the time goes: from the webhook's storage to its processing (message, conversation and stream rows
  // committed), measured by PostgreSQL's own clock; what is left of the latency above is numbering and fan-out.
  const processing = (
    await meta.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE processed_at IS NULL)::int AS unprocessed,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - received_at) * 1000) AS p50,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - received_at) * 1000) AS p90,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - received_at) * 1000) AS p99,
              max(extract(epoch FROM processed_at - received_at) * 1000) AS max
         FROM webhook_deliveries WHERE received_at >= $1`,
      [runStartedAt],
    )
  ).rows[0];
  for (const engine of engines) await engine.stop();
  await meta.end();

  const lines = [
    `## Inbox (issue 11) — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Command: \`node tools/bench/inbox/inbox.bench.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\``,
    '',
    describeMachine(machine),
    `Load average (1, 5, 15 min) before the measures: ${before.map((v) => v.toFixed(2)).join(', ')}; after: ${after.map((v) => v.toFixed(2)).join(', ')} (the machine is shared with other sessions).`,
    '',
    `Data: ${fmt(seeded?.conversations ?? 0)} conversations, ${fmt(seeded?.messages ?? 0)} messages (seeded in ${fmt(seeded?.seconds ?? 0)} s). ${
      o.mode === 'embedded'
        ? 'One engine process (ENGINE_ROLE=all), in-process dispatch.'
        : 'API (ENGINE_ROLE=api) and worker (ENGINE_ROLE=worker) as separate processes, BullMQ on Redis.'
    }`,
    '',
    table(
      ['request (sequential, ms)', 'n', 'p50', 'p90', 'p99', 'max'],
      [
        [
          'GET /api/conversations (first page, active, all)',
          list.count,
          fmt(list.p50, 1),
          fmt(list.p90, 1),
          fmt(list.p99, 1),
          fmt(list.max, 1),
        ],
        [
          'GET /api/conversations?assignee=unassigned&status=open',
          mine.count,
          fmt(mine.p50, 1),
          fmt(mine.p90, 1),
          fmt(mine.p99, 1),
          fmt(mine.max, 1),
        ],
        [
          'GET /api/conversations?sort=waiting_since',
          waiting.count,
          fmt(waiting.p50, 1),
          fmt(waiting.p90, 1),
          fmt(waiting.p99, 1),
          fmt(waiting.max, 1),
        ],
        [
          'GET /api/conversations/:id/messages (first page, random)',
          messages.count,
          fmt(messages.p50, 1),
          fmt(messages.p90, 1),
          fmt(messages.p99, 1),
          fmt(messages.max, 1),
        ],
        [
          'GET /api/conversations/:id (contact panel)',
          detail.count,
          fmt(detail.p50, 1),
          fmt(detail.p90, 1),
          fmt(detail.p99, 1),
          fmt(detail.max, 1),
        ],
      ],
    ),
    '',
    o.source === 'events'
      ? `Live stream alone: ${o.clients} SSE clients, ${posted} of ${total} messages' events (message.created, conversation.updated, conversation.status_changed; ${fmt(posted * 3)} events) committed by the bench in ${fmt(sendSeconds, 1)} s (${fmt(posted / sendSeconds)} messages/s); latency from each commit to each client receiving its message.created:`
      : `Live stream: ${o.clients} SSE clients, ${posted} of ${total} signed webhooks answered 200 in ${fmt(sendSeconds, 1)} s (${fmt(posted / sendSeconds)} messages/s); latency from the webhook's 200 to each client receiving its message.created:`,
    '',
    table(
      ['deliveries', 'missing', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
      [[fmt(latencies.length), fmt(missing), fmt(stream.p50, 1), fmt(stream.p90, 1), fmt(stream.p99, 1), fmt(stream.max, 1)]],
    ),
    ...(o.source === 'events'
      ? []
      : [
          '',
          `Webhook processing alone (stored → processed, PostgreSQL's clock; ${fmt(processing.unprocessed)} of ${fmt(processing.n)} not processed 5 s after the last):`,
          '',
          table(
            ['deliveries', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
            [
              [
                fmt(processing.n),
                fmt(Number(processing.p50), 1),
                fmt(Number(processing.p90), 1),
                fmt(Number(processing.p99), 1),
                fmt(Number(processing.max), 1),
              ],
            ],
          ),
        ]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
});
