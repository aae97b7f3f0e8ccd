import type { INestApplication } from '@nestjs/common';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { eventually } from '../test-support/eventually';
import { obj } from '../test-support/json';
import { openStream, type ReceivedEvent } from '../test-support/sse-client';

function isMessageWith(text: string) {
  return (event: ReceivedEvent) =>
    event.event === 'message.created' && JSON.stringify(obj(event.data)['message']).includes(JSON.stringify(text));
}

function createdTexts(events: readonly ReceivedEvent[]): string[] {
  return events
    .filter((e) => e.event === 'message.created')
    .map((e) => obj(obj(e.data)['message'])['text'])
    .filter((t): t is string => typeof t === 'string');
}

function ids(events: readonly ReceivedEvent[]): number[] {
  return events.filter((e) => e.id !== null && e.event !== 'ready').map((e) => Number(e.id));
}

describe('live stream (GET /api/stream)', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const send = (from: string, text: string) => h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from, text });

  it('sends the workspace’s events as they happen, each with an id, and only to its own workspace', async () => {
    const other = await h.addWorkspace('Elsewhere');
    const mine = await openStream(h.url, h.workspace.admin.token);
    const theirs = await openStream(h.url, other.admin.token);
    expect(mine.status).toBe(200);
    await mine.waitFor((e) => e.event === 'ready', 'ready');
    await send('393350000001', 'hello live');
    const created = await mine.waitFor(isMessageWith('hello live'), 'the message');
    expect(created.id).toMatch(/^\d+$/);
    // conversation.updated is small: the conversation's id and only what changed (here: a new conversation, its last message).
    const updated = await mine.waitFor((e) => e.event === 'conversation.updated', 'the conversation');
    const payload = obj(updated.data);
    expect(Object.keys(payload).sort()).toEqual(['changes', 'conversationId']);
    expect(payload['conversationId']).toBe(obj(created.data)['conversationId']);
    const changes = obj(payload['changes']);
    expect(obj(changes['lastMessage'])['preview']).toBe('hello live');
    expect(changes['inboundCount']).toBe(1);
    expect(changes).not.toHaveProperty('contact');
    await h.settle();
    expect(theirs.events.filter((e) => e.event !== 'ready')).toEqual([]);
    mine.close();
    theirs.close();
    expect((await openStream(h.url, null)).status).toBe(401);
    const bad = await openStream(h.url, h.workspace.admin.token, 'not-a-number');
    expect(bad.status).toBe(400);
  });

  it('resumes from Last-Event-ID after a reconnect: everything missed, in order, no gaps, no repeats', async () => {
    const first = await openStream(h.url, h.workspace.admin.token);
    await first.waitFor((e) => e.event === 'ready', 'ready');
    await send('393350000002', 'before the drop');
    await first.waitFor(isMessageWith('before the drop'), 'first message');
    await h.settle();
    const lastSeen = first.lastId();
    first.close();

    // Missed while away.
    for (let i = 1; i <= 5; i += 1) await send('393350000002', `missed ${i}`);
    await h.settle();

    const again = await openStream(h.url, h.workspace.admin.token, lastSeen);
    await again.waitFor((e) => e.event === 'ready', 'ready after resume');
    await send('393350000002', 'after the return');
    await again.waitFor(isMessageWith('after the return'), 'live after resume');
    // Deliveries are applied in parallel: the stream follows commit order, and has each event once.
    const texts = createdTexts(again.events);
    expect([...texts].sort()).toEqual(['after the return', 'missed 1', 'missed 2', 'missed 3', 'missed 4', 'missed 5']);
    expect(texts.at(-1)).toBe('after the return');
    const received = ids(again.events);
    expect(received.every((id, i) => i === 0 || id > (received[i - 1] ?? 0))).toBe(true);
    expect(Math.min(...received)).toBeGreaterThan(Number(lastSeen));
    // The same events a client that never left saw, by id.
    const stored = await h.sql('SELECT seq FROM stream_events WHERE workspace_id = $1 AND seq > $2 AND user_id IS NULL ORDER BY seq', [
      h.workspace.id,
      Number(lastSeen),
    ]);
    expect(received).toEqual(stored.map((r) => Number(r['seq'])));
    again.close();
  });

  it('keeps a user’s read marker to that user’s tabs', async () => {
    const support = await h.workspace.user('support');
    const adminTab = await openStream(h.url, h.workspace.admin.token);
    const supportTab = await openStream(h.url, support.token);
    await adminTab.waitFor((e) => e.event === 'ready', 'ready');
    await supportTab.waitFor((e) => e.event === 'ready', 'ready');
    const [row] = await h.sql('SELECT id FROM conversations ORDER BY created_at LIMIT 1');
    expect((await support.post(`/api/conversations/${String(row?.['id'])}/read`)).status).toBe(200);
    await supportTab.waitFor((e) => e.event === 'conversation.read', 'read marker');
    await h.settle();
    expect(adminTab.events.some((e) => e.event === 'conversation.read')).toBe(false);
    adminTab.close();
    supportTab.close();
  });

  it('numbers events in commit order, so a later commit never gets a smaller id than one already sent', async () => {
    // Two transactions: the first takes its row id first but commits last.
    const early = h.dataSource.createQueryRunner();
    await early.connect();
    await early.startTransaction();
    await early.query(`INSERT INTO stream_events (workspace_id, type, payload) VALUES ($1, 'note.created', '{"order":"first-inserted"}')`, [
      h.workspace.id,
    ]);
    const stream = await openStream(h.url, h.workspace.admin.token);
    await stream.waitFor((e) => e.event === 'ready', 'ready');
    await h.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO stream_events (workspace_id, type, payload) VALUES ($1, 'note.created', '{"order":"second-inserted"}')`,
        [h.workspace.id],
      );
      await manager.query(`SELECT pg_notify('parley_stream_new', '')`);
    });
    const second = await stream.waitFor((e) => JSON.stringify(e.data).includes('second-inserted'), 'second');
    await early.query(`SELECT pg_notify('parley_stream_new', '')`);
    await early.commitTransaction();
    await early.release();
    const first = await stream.waitFor((e) => JSON.stringify(e.data).includes('first-inserted'), 'first');
    expect(Number(first.id)).toBeGreaterThan(Number(second.id));
    stream.close();
  });
});

describe('live stream across processes (API and worker apart, Redis dispatch)', () => {
  const redisUrl = process.env['REDIS_URL'];
  const run = redisUrl ? it : it.skip;
  let h: EngineHarness | undefined;
  let worker: INestApplication | undefined;
  let secondApi: INestApplication | undefined;

  afterAll(async () => {
    await h?.close();
  });

  run(
    'delivers what a worker stores to the API’s stream, and resumes without gaps on another API process',
    async () => {
      const prefix = `st${Math.random().toString(36).slice(2, 8)}`;
      h = await startEngineHarness({ env: { REDIS_URL: redisUrl ?? '', REDIS_PREFIX: prefix, ENGINE_ROLE: 'api' } });
      worker = await h.startPeer({ ENGINE_ROLE: 'worker', PORT: '0' });
      secondApi = await h.startPeer({ ENGINE_ROLE: 'api', PORT: '0' });
      const secondUrl = (await secondApi.getUrl()).replace('[::1]', '127.0.0.1');
      const harness = h;
      const send = (text: string) =>
        harness.simulator.customerSends({ phoneNumberId: harness.workspace.phoneNumberId, from: '393350000009', text });

      const onFirst = await openStream(h.url, h.workspace.admin.token);
      await onFirst.waitFor((e) => e.event === 'ready', 'ready');
      await send('processed by the worker');
      // The API process only stores the webhook; the worker process applies it; the event crosses over PostgreSQL.
      await onFirst.waitFor(isMessageWith('processed by the worker'), 'event from the worker');
      const lastSeen = onFirst.lastId();
      onFirst.close();

      for (let i = 1; i <= 4; i += 1) await send(`while away ${i}`);
      await eventually(
        async () => ((await harness.count('messages', "text LIKE 'while away%'")) === 4 ? true : undefined),
        'the worker to store the messages',
      );

      const onSecond = await openStream(secondUrl, h.workspace.admin.token, lastSeen);
      await onSecond.waitFor((e) => e.event === 'ready', 'ready on the second API');
      await send('live on the second');
      await onSecond.waitFor(isMessageWith('live on the second'), 'live event on the second API');
      // Workers apply deliveries in parallel: events come in the order they were committed, each exactly once.
      const texts = createdTexts(onSecond.events);
      expect([...texts].sort()).toEqual(['live on the second', 'while away 1', 'while away 2', 'while away 3', 'while away 4']);
      expect(texts.at(-1)).toBe('live on the second');
      const stored = await h.sql('SELECT seq FROM stream_events WHERE workspace_id = $1 AND seq > $2 AND user_id IS NULL ORDER BY seq', [
        h.workspace.id,
        Number(lastSeen),
      ]);
      expect(ids(onSecond.events)).toEqual(stored.map((r) => Number(r['seq'])));
      onSecond.close();
      expect(worker).toBeDefined();
    },
    60_000,
  );
});
