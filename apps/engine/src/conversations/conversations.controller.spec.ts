import { Client } from 'pg';
import { z } from 'zod';
import { sqlRow } from '../database/sql-rows';
import { ConversationLedgerService } from './conversation-ledger.service';
import { ConversationsWorker } from './conversations-worker.service';
import type { ApiClient } from '../test-support/api-client';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';
import { ManualClock } from '../test-support/manual-clock';
import { postWebhook } from '../test-support/signed-webhook';
import { changedTables, snapshotTables } from '../test-support/table-snapshot';

const HOUR = 3_600_000;

describe('conversations API', () => {
  let h: EngineHarness;
  let support: ApiClient;
  let marketer: ApiClient;
  let clock: ManualClock;
  let flowId = '';

  beforeAll(async () => {
    clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    h = await startEngineHarness({ clock });
    support = await h.workspace.user('support');
    marketer = await h.workspace.user('marketer');
    const created = await h.workspace.admin.post('/api/flows', { name: 'Price question', definition: priceReplyFlow() });
    flowId = str(obj(created.body)['id']);
    expect((await h.workspace.admin.post(`/api/flows/${flowId}/publish`, {})).status).toBe(201);
  });
  afterAll(async () => {
    await h.close();
  });

  async function customerWrites(waId: string, text: string): Promise<void> {
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: waId, name: `Customer ${waId.slice(-2)}`, text });
    await h.settle();
    await h.pace();
  }

  async function conversationOf(waId: string): Promise<Record<string, unknown>> {
    const list = obj((await support.get(`/api/conversations?status=all&q=${waId}`)).body);
    const found = arr(list['data']).map(obj);
    expect(found).toHaveLength(1);
    return found[0] ?? {};
  }

  async function timeline(id: string, client: ApiClient = support): Promise<Record<string, unknown>[]> {
    const response = await client.get(`/api/conversations/${id}/messages`);
    expect(response.status).toBe(200);
    return arr(obj(response.body)['data']).map(obj);
  }

  it('files a customer’s message on a new pending conversation (the bot answers), with the flow’s reply marked as the flow’s', async () => {
    await customerWrites('393330000001', 'What is the price?');
    const conversation = await conversationOf('393330000001');
    expect(conversation).toMatchObject({
      status: 'pending',
      assignee: null,
      waitingSince: '2026-03-02T09:00:00.000Z',
      window: { open: true },
      unread: 1,
      automation: { state: 'running', pause: null },
      contact: { phone: '+393330000001' },
    });
    const entries = await timeline(str(conversation['id']));
    expect(entries.map((e) => [e['direction'], e['text']])).toEqual([
      ['outbound', 'Our prices start at 10 EUR. Want a discount code?'],
      ['inbound', 'What is the price?'],
    ]);
    expect(entries[0]).toMatchObject({ sender: { kind: 'flow', flowId, flowName: 'Price question', nodeId: 'reply' } });
    expect(entries[1]).toMatchObject({ sender: { kind: 'customer' } });
    const counts = obj(obj((await support.get('/api/conversations')).body)['counts']);
    expect(counts).toMatchObject({ all: 1, unassigned: 1, mine: 0 });
  });

  it('keeps the newest message as the last one when an older one is stored late', async () => {
    await customerWrites('393330000091', 'Newest words');
    const conversation = await conversationOf('393330000091');
    const id = str(conversation['id']);
    const newest = obj(conversation['lastMessage']);
    expect(newest['preview']).toBe('Newest words');
    const [owner] = await h.sql('SELECT workspace_id, contact_id, whatsapp_number_id FROM conversations WHERE id = $1', [id]);
    // A message from a minute before, stored now (a webhook Meta retried late): it joins the conversation, not as its last.
    await h.dataSource.transaction(async (manager) => {
      const late = await sqlRow(
        manager,
        z.object({ id: z.string() }),
        `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at)
         VALUES ($1, $2, $3, 'inbound', 'wamid.late.393330000091', 'text', 'Older words', '{}', $4) RETURNING id`,
        [owner?.['workspace_id'], owner?.['contact_id'], owner?.['whatsapp_number_id'], new Date(Date.parse(str(newest['at'])) - 60_000)],
      );
      await h.app.get(ConversationLedgerService).messageStored(manager, late?.id ?? '');
    });
    const after = await conversationOf('393330000091');
    expect(after['lastMessage']).toEqual(newest);
    expect(after['inboundCount']).toBe(2);
    expect((await timeline(id)).map((e) => e['text'])).toContain('Older words');
  });

  it('files a delivery carrying two messages of a new customer: both on one conversation, in order, counted once, events in order', async () => {
    const waId = '393330000092';
    const [number] = await h.sql('SELECT waba_id, display_phone_number FROM whatsapp_numbers WHERE phone_number_id = $1', [
      h.workspace.phoneNumberId,
    ]);
    const countsBefore = obj(obj((await support.get('/api/conversations?status=all')).body)['counts']);
    const [mark] = await h.sql('SELECT coalesce(max(id), 0) AS id FROM stream_events');
    const at = Math.floor(clock.now().getTime() / 1000);
    const delivery = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: str(number?.['waba_id']),
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: str(number?.['display_phone_number']), phone_number_id: h.workspace.phoneNumberId },
                contacts: [{ profile: { name: 'Two Lines' }, wa_id: waId }],
                messages: [
                  { from: waId, id: 'wamid.two.1', timestamp: String(at - 1), type: 'text', text: { body: 'Hello' } },
                  { from: waId, id: 'wamid.two.2', timestamp: String(at), type: 'text', text: { body: 'Are you open today?' } },
                ],
              },
            },
          ],
        },
      ],
    };
    // Watched, not replaced: the real filing runs. The delivery's messages are filed together, in one call.
    const filing = jest.spyOn(h.app.get(ConversationLedgerService), 'messagesStored');
    try {
      expect((await postWebhook(h.url, delivery, { secret: h.appSecret })).status).toBe(200);
      await h.settle();
      await h.pace();
      const [both] = await h.sql(
        `SELECT array_agg(id::text ORDER BY occurred_at) AS ids FROM messages WHERE wamid IN ('wamid.two.1', 'wamid.two.2')`,
      );
      expect(filing.mock.calls.filter(([, ids]) => ids.some((id) => arr(both?.['ids']).includes(id))).map(([, ids]) => ids)).toEqual([
        arr(both?.['ids']),
      ]);
    } finally {
      filing.mockRestore();
    }
    const conversation = await conversationOf(waId);
    expect(conversation).toMatchObject({ inboundCount: 2, unread: 2, lastMessage: { preview: 'Are you open today?' } });
    const texts = (await timeline(str(conversation['id']))).filter((e) => e['direction'] === 'inbound').map((e) => e['text']);
    expect(texts).toEqual(['Are you open today?', 'Hello']);
    const countsAfter = obj(obj((await support.get('/api/conversations?status=all')).body)['counts']);
    expect(countsAfter['all']).toBe(Number(countsBefore['all']) + 1);
    // The live events of both messages, in the order they were written: Hello first, then the second line.
    const created = await h.sql(
      `SELECT payload #>> '{message,text}' AS text FROM stream_events
        WHERE id > $1 AND type = 'message.created' AND payload ->> 'conversationId' = $2 ORDER BY id`,
      [mark?.['id'], conversation['id']],
    );
    expect(created.map((r) => r['text'])).toEqual(['Hello', 'Are you open today?']);
  });

  it('files a batch of messages in one call with as many statements as one message, each in order, a late one not the last', async () => {
    const id = str((await conversationOf('393330000091'))['id']);
    const [owner] = await h.sql('SELECT workspace_id, contact_id, whatsapp_number_id, inbound_count FROM conversations WHERE id = $1', [
      id,
    ]);
    const ledger = h.app.get(ConversationLedgerService);
    const base = clock.now().getTime();
    /** Stores messages (seconds from now, text), files them in one call and answers how many statements the filing took. */
    const fileBatch = (lines: [number, string][]) =>
      h.dataSource.transaction(async (manager) => {
        const ids: string[] = [];
        for (const [offset, text] of lines) {
          const row = await sqlRow(
            manager,
            z.object({ id: z.string() }),
            `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at)
             VALUES ($1, $2, $3, 'inbound', $4, 'text', $5, '{}', $6) RETURNING id`,
            [
              owner?.['workspace_id'],
              owner?.['contact_id'],
              owner?.['whatsapp_number_id'],
              `wamid.batch.${text}`,
              text,
              new Date(base + offset * 1000),
            ],
          );
          ids.push(row?.id ?? '');
        }
        // Every statement reaches PostgreSQL through the transaction's connection: count them there.
        const connection: unknown = await manager.queryRunner?.connect();
        if (!(connection instanceof Client)) throw new Error('the engine runs on node-postgres');
        const sent = jest.spyOn(connection, 'query');
        try {
          await ledger.messagesStored(manager, ids);
          return sent.mock.calls.length;
        } finally {
          sent.mockRestore();
        }
      });
    const one = await fileBatch([[1, 'single']]);
    const [mark] = await h.sql('SELECT coalesce(max(id), 0) AS id FROM stream_events');
    const three = await fileBatch([
      [2, 'first'],
      [3, 'second'],
      [-3600, 'late'],
    ]);
    expect(one).toBeLessThanOrEqual(3);
    expect(three).toBe(one);
    const after = await conversationOf('393330000091');
    expect(after['inboundCount']).toBe(Number(owner?.['inbound_count']) + 4);
    expect(obj(after['lastMessage'])['preview']).toBe('second');
    expect((await timeline(id)).map((e) => e['text']).slice(0, 3)).toEqual(['second', 'first', 'single']);
    const events = await h.sql(
      `SELECT type, payload #>> '{message,text}' AS text, payload #> '{changes,lastMessage,preview}' AS last, payload #> '{changes,inboundCount}' AS inbound
         FROM stream_events WHERE id > $1 AND payload ->> 'conversationId' = $2 ORDER BY id`,
      [mark?.['id'], id],
    );
    const inbound = Number(owner?.['inbound_count']);
    expect(events.map((e) => [e['type'], e['text'] ?? e['last'] ?? null, e['inbound'] ?? null])).toEqual([
      ['message.created', 'first', null],
      ['conversation.updated', 'first', inbound + 2],
      ['message.created', 'second', null],
      ['conversation.updated', 'second', inbound + 3],
      ['message.created', 'late', null],
      ['conversation.updated', null, inbound + 4],
    ]);
  });

  it('takes over from the bot when an agent replies: open, theirs, no longer waiting, automation paused, the customer gets it', async () => {
    const id = str((await conversationOf('393330000001'))['id']);
    const reply = await support.post(`/api/conversations/${id}/messages`, { type: 'text', text: 'Hi, I am Anna, how can I help?' });
    expect(reply.status).toBe(201);
    expect(obj(reply.body)).toMatchObject({
      result: { status: 'accepted' },
      automationPausedUntil: new Date(clock.now().getTime() + 12 * HOUR).toISOString(),
    });
    const conversation = obj((await support.get(`/api/conversations/${id}`)).body);
    expect(conversation['conversation']).toMatchObject({
      status: 'open',
      waitingSince: null,
      unread: 0,
      assignee: { name: expect.any(String) },
      automation: { state: 'paused', pause: { scope: 'contact', by: { name: expect.any(String) } } },
    });
    const sent = h.simulator.state.sent.filter((m) => m.to === '393330000001').map((m) => m.body['text']);
    expect(sent).toContainEqual({ body: 'Hi, I am Anna, how can I help?' });
    const entries = await timeline(id);
    expect(entries[0]).toMatchObject({ direction: 'outbound', sender: { kind: 'agent' }, text: 'Hi, I am Anna, how can I help?' });

    // The bot stays quiet: a price question starts no flow while paused.
    const before = h.simulator.state.sent.length;
    await customerWrites('393330000001', 'and the price for two?');
    expect(h.simulator.state.sent.length).toBe(before);
    expect(obj((await support.get(`/api/conversations/${id}`)).body)['conversation']).toMatchObject({ status: 'open', unread: 1 });
  });

  it('extends the one takeover pause on every reply instead of stacking pauses', async () => {
    const id = str((await conversationOf('393330000001'))['id']);
    clock.advance(HOUR);
    const reply = await support.post(`/api/conversations/${id}/messages`, { type: 'text', text: 'Two are 18 EUR.' });
    expect(reply.status).toBe(201);
    expect(obj(reply.body)['automationPausedUntil']).toBe(new Date(clock.now().getTime() + 12 * HOUR).toISOString());
    expect(await h.count('automation_pauses', 'ended_at IS NULL')).toBe(1);
  });

  it('audits each agent message once, even when the same Idempotency-Key is sent twice', async () => {
    const id = str((await conversationOf('393330000001'))['id']);
    const auditedBefore = await h.count('audit_log', "action = 'conversation.agent_message'");
    const send = () =>
      fetch(`${h.url}/api/conversations/${id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${support.token ?? ''}`, 'content-type': 'application/json', 'idempotency-key': 'reply-once' },
        body: JSON.stringify({ type: 'text', text: 'Sent once, whatever the network does.' }),
      });
    expect((await send()).status).toBe(201);
    expect((await send()).status).toBe(201);
    expect(h.simulator.state.sent.filter((m) => obj(m.body['text'])['body'] === 'Sent once, whatever the network does.')).toHaveLength(1);
    expect(await h.count('audit_log', "action = 'conversation.agent_message'")).toBe(auditedBefore + 1);
    const trail = arr(obj((await h.workspace.admin.get('/api/audit?action=conversation.agent_message')).body)['data']).map(obj);
    expect(trail[0]).toMatchObject({
      action: 'conversation.agent_message',
      subjectType: 'contact',
      subjectLabel: 'Customer 01',
      details: { conversationId: id, type: 'text' },
    });
    expect(JSON.stringify(trail[0])).not.toContain('whatever the network does');
  });

  it('keeps notes private, records who did what, and marks messages read per agent', async () => {
    const id = str((await conversationOf('393330000001'))['id']);
    const note = await support.post(`/api/conversations/${id}/notes`, { text: 'VIP customer, be nice' });
    expect(note.status).toBe(201);
    expect(obj(note.body)).toMatchObject({ kind: 'note', text: 'VIP customer, be nice', author: { id: expect.any(String) } });
    const sentBefore = h.simulator.state.sent.length;
    expect(h.simulator.state.sent.length).toBe(sentBefore);

    // Another agent has not read the customer's messages; the admin reads them.
    const admin = h.workspace.admin;
    expect(obj((await admin.get(`/api/conversations/${id}`)).body)['conversation']).toMatchObject({ unread: 2 });
    expect((await admin.post(`/api/conversations/${id}/read`)).status).toBe(200);
    expect(obj((await admin.get(`/api/conversations/${id}`)).body)['conversation']).toMatchObject({ unread: 0 });

    const snoozed = await support.post(`/api/conversations/${id}/status`, {
      status: 'snoozed',
      snoozeUntil: new Date(clock.now().getTime() + HOUR).toISOString(),
    });
    expect(snoozed.status).toBe(200);
    expect(obj(snoozed.body)).toMatchObject({ status: 'snoozed' });
    const resolved = await support.post(`/api/conversations/${id}/status`, { status: 'resolved' });
    expect(obj(resolved.body)).toMatchObject({ status: 'resolved', waitingSince: null, unread: 0 });
    const entries = await timeline(id);
    expect(entries.filter((e) => e['kind'] === 'activity').map((e) => e['text'])).toEqual([
      expect.stringMatching(/resolved it$/),
      expect.stringMatching(/snoozed it until/),
    ]);
    expect(entries.find((e) => e['kind'] === 'note')).toMatchObject({ text: 'VIP customer, be nice' });

    // A customer's message reopens it; automation is still paused by the agent, so a person owns it: open.
    await customerWrites('393330000001', 'one more thing');
    expect(obj((await support.get(`/api/conversations/${id}`)).body)['conversation']).toMatchObject({ status: 'open' });
  });

  it('wakes a snoozed conversation when its time comes', async () => {
    await customerWrites('393330000002', 'hello');
    const id = str((await conversationOf('393330000002'))['id']);
    await support.post(`/api/conversations/${id}/status`, {
      status: 'snoozed',
      snoozeUntil: new Date(clock.now().getTime() + HOUR).toISOString(),
    });
    clock.advance(HOUR + 1000);
    await h.app.get(ConversationsWorker).runOnce();
    expect(obj((await support.get(`/api/conversations/${id}`)).body)['conversation']).toMatchObject({ status: 'open', snoozedUntil: null });
  });

  it('takes a pending conversation over on "assign to me": open, mine, automation paused', async () => {
    await customerWrites('393330000003', 'hello bot');
    const id = str((await conversationOf('393330000003'))['id']);
    expect((await conversationOf('393330000003'))['status']).toBe('pending');
    const taken = await support.post(`/api/conversations/${id}/assign`, { userId: await userId(support) });
    expect(taken.status).toBe(200);
    expect(obj(taken.body)).toMatchObject({ status: 'open', assignee: { id: await userId(support) }, automation: { state: 'paused' } });
    const mine = obj((await support.get('/api/conversations?assignee=me')).body);
    expect(arr(mine['data']).map((c) => obj(c)['id'])).toContain(id);
  });

  it('resolves assignee=me to the signed-in user: the Mine tab and its count differ per person', async () => {
    await customerWrites('393330000006', 'hello, anyone?');
    const id = str((await conversationOf('393330000006'))['id']);
    const me = await userId(support);
    expect((await support.post(`/api/conversations/${id}/assign`, { userId: me })).status).toBe(200);
    const ids = (body: unknown) => arr(obj(body)['data']).map((c) => obj(c)['id']);
    const supportMine = obj((await support.get('/api/conversations?assignee=me&status=all')).body);
    const adminMine = obj((await h.workspace.admin.get('/api/conversations?assignee=me&status=all')).body);
    expect(ids(supportMine)).toContain(id);
    expect(ids(adminMine)).not.toContain(id);
    const assigned = await h.sql('SELECT assignee_user_id, count(*)::int AS n FROM conversations GROUP BY 1');
    const countOf = (user: string | null) => assigned.find((r) => r['assignee_user_id'] === user)?.['n'] ?? 0;
    expect(obj(supportMine['counts'])['mine']).toBe(countOf(await userId(support)));
    expect(obj(adminMine['counts'])['mine']).toBe(countOf(await userId(h.workspace.admin)));
    expect(arr(supportMine['data']).map((c) => obj(obj(c)['assignee'])['id'])).toEqual(ids(supportMine).map(() => me));
    // The same list by the user's id, from someone else.
    expect(ids((await h.workspace.admin.get(`/api/conversations?status=all&assignee=${await userId(support)}`)).body)).toEqual(
      ids(supportMine),
    );
  });

  it('keeps the tab counts equal to the rows, before and after upkeep folds the changes, and pages without gaps', async () => {
    const expected = async (statuses: string[], user: string) => {
      const rows = await h.sql(
        `SELECT count(*) FILTER (WHERE assignee_user_id = $2)::int AS mine, count(*) FILTER (WHERE assignee_user_id IS NULL)::int AS unassigned,
                count(*)::int AS all FROM conversations WHERE workspace_id = $3 AND status = ANY($1::text[])`,
        [statuses, user, h.workspace.id],
      );
      return rows[0];
    };
    const me = await userId(support);
    const check = async () => {
      for (const [filter, statuses] of [
        ['active', ['open', 'pending']],
        ['all', ['open', 'pending', 'snoozed', 'resolved']],
        ['open', ['open']],
        ['resolved', ['resolved']],
      ] as const) {
        const answer = obj((await support.get(`/api/conversations?status=${filter}`)).body);
        expect([filter, answer['counts']]).toEqual([filter, await expected([...statuses], me)]);
      }
    };
    await check();
    const id = str((await conversationOf('393330000003'))['id']);
    await support.post(`/api/conversations/${id}/status`, { status: 'resolved' });
    await support.post(`/api/conversations/${id}/assign`, { userId: null });
    await check();
    await h.app.get(ConversationsWorker).runOnce();
    expect(await h.count('conversation_count_changes')).toBe(0);
    await check();

    for (const sort of ['last_activity', 'waiting_since']) {
      const all = arr(obj((await support.get(`/api/conversations?status=all&sort=${sort}&limit=100`)).body)['data']).map(
        (c) => obj(c)['id'],
      );
      const paged: unknown[] = [];
      let cursor: string | null = null;
      do {
        const path: string = `/api/conversations?status=all&sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
        const page = obj((await support.get(path)).body);
        paged.push(...arr(page['data']).map((c) => obj(c)['id']));
        cursor = typeof page['nextCursor'] === 'string' ? page['nextCursor'] : null;
      } while (cursor);
      expect([sort, paged]).toEqual([sort, all]);
      expect(all.length).toBeGreaterThan(3);
    }
  });

  it('has the count queue vacuumed after a fixed number of dead rows, not a share of its size', async () => {
    const [table] = await h.sql(`SELECT reloptions FROM pg_class WHERE relname = 'conversation_count_changes'`);
    expect(table?.['reloptions']).toEqual(expect.arrayContaining(['autovacuum_vacuum_scale_factor=0', 'autovacuum_vacuum_threshold=1000']));
  });

  it('offers free text only inside the window: outside it a text is refused (422, nothing stored) and a template goes', async () => {
    await customerWrites('393330000004', 'hi');
    const id = str((await conversationOf('393330000004'))['id']);
    clock.advance(25 * HOUR);
    expect((await conversationOf('393330000004'))['window']).toMatchObject({ open: false });
    expect(arr(obj((await support.get('/api/conversations?status=all&window=closed')).body)['data']).map((c) => obj(c)['id'])).toContain(
      id,
    );
    const before = await snapshotTables(h.dataSource, { contents: true, except: ['whatsapp_numbers'] });
    const text = await support.post(`/api/conversations/${id}/messages`, { type: 'text', text: 'Are you still there?' });
    expect(text.status).toBe(422);
    expect(obj(text.body)).toMatchObject({ code: 'policy:customer_service_window' });
    expect(changedTables(before, await snapshotTables(h.dataSource, { contents: true, except: ['whatsapp_numbers'] }))).toEqual({});
    await h.simulator.state.templates.upsert(h.simulator.state.numbers.get(h.workspace.phoneNumberId)?.wabaId ?? '', {
      name: 'follow_up',
      language: 'en_US',
      category: 'UTILITY',
      status: 'APPROVED',
      components: [{ type: 'BODY', text: 'Hello {{1}}, we are here when you need us.' }],
    });
    const template = await support.post(`/api/conversations/${id}/messages`, {
      type: 'template',
      template: { name: 'follow_up', language: 'en_US', parameters: ['Marta'] },
    });
    expect(template.status).toBe(201);
    expect(obj(template.body)).toMatchObject({ result: { status: 'accepted' } });
    const [latest] = await timeline(id);
    expect(latest).toMatchObject({ type: 'template', details: { template: { name: 'follow_up', parameters: ['Marta'] } } });
  });

  it('opens a pending conversation when a flow hands it over to a human, and notifies the team', async () => {
    const created = await h.workspace.admin.post('/api/flows', {
      name: 'Ask for a person',
      definition: {
        schemaVersion: 1,
        nodes: [
          {
            id: 'trigger',
            type: 'trigger.inbound_message',
            typeVersion: 1,
            position: { x: 0, y: 0 },
            config: { match: 'keyword', keywords: ['human'], mode: 'contains', caseSensitive: false },
          },
          { id: 'handover', type: 'agent.hand_over', typeVersion: 1, position: { x: 0, y: 180 }, config: { note: 'Asked for a person' } },
        ],
        edges: [{ id: 'e1', source: 'trigger', sourceOutput: 'next', target: 'handover' }],
        notes: [],
      },
    });
    expect((await h.workspace.admin.post(`/api/flows/${str(obj(created.body)['id'])}/publish`, {})).status).toBe(201);
    await customerWrites('393330000005', 'can I talk to a human please');
    const conversation = await conversationOf('393330000005');
    expect(conversation).toMatchObject({ status: 'open', assignee: null, waitingSince: expect.any(String) });
    const entries = await timeline(str(conversation['id']));
    expect(entries.find((e) => e['kind'] === 'activity')).toMatchObject({
      text: 'Ask for a person handed it over to a person: Asked for a person',
    });
    const notifications = await h.sql(
      `SELECT u.role FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = 'conversation_handover'`,
    );
    expect(notifications.map((n) => n['role']).sort()).toEqual(['admin', 'marketer', 'support'].filter((r) => r !== 'marketer'));
  });

  it('lets marketers read everything and change nothing', async () => {
    const id = str((await conversationOf('393330000001'))['id']);
    expect((await marketer.get('/api/conversations')).status).toBe(200);
    expect((await marketer.get(`/api/conversations/${id}`)).status).toBe(200);
    expect((await marketer.get(`/api/conversations/${id}/messages`)).status).toBe(200);
    expect((await marketer.get('/api/canned-replies')).status).toBe(200);
    const before = await snapshotTables(h.dataSource, { contents: true });
    const writes: [string, unknown][] = [
      [`/api/conversations/${id}/messages`, { type: 'text', text: 'hello' }],
      [`/api/conversations/${id}/notes`, { text: 'note' }],
      [`/api/conversations/${id}/assign`, { userId: null }],
      [`/api/conversations/${id}/status`, { status: 'resolved' }],
      [`/api/conversations/${id}/read`, {}],
      ['/api/canned-replies', { shortcut: 'hi', text: 'Hello!' }],
    ];
    for (const [path, body] of writes) expect([path, (await marketer.post(path, body)).status]).toEqual([path, 403]);
    expect((await h.anonymous.get('/api/conversations')).status).toBe(401);
    expect(changedTables(before, await snapshotTables(h.dataSource, { contents: true }))).toEqual({});
  });

  it('answers bad input with a 4xx naming the field and stores nothing', async () => {
    const id = str((await conversationOf('393330000001'))['id']);
    const other = await h.addWorkspace('Other');
    const options = { contents: true, except: ['whatsapp_numbers'] };
    const before = await snapshotTables(h.dataSource, options);
    const cases: [string, string, unknown, number, string][] = [
      ['POST', `/api/conversations/${id}/messages`, { type: 'text', text: '' }, 400, 'text'],
      ['POST', `/api/conversations/${id}/messages`, { type: 'fax', text: 'x' }, 400, 'type'],
      ['POST', `/api/conversations/${id}/messages`, { type: 'image', link: 'http://example.com/a.png' }, 400, 'link'],
      ['POST', `/api/conversations/${id}/messages`, { type: 'image', mediaId: '00000000-0000-4000-8000-000000000000' }, 404, ''],
      ['POST', `/api/conversations/${id}/notes`, { text: 'x'.repeat(4001) }, 400, 'text'],
      ['POST', `/api/conversations/${id}/assign`, { userId: 'nobody' }, 400, 'userId'],
      ['POST', `/api/conversations/${id}/assign`, { userId: await userId(marketer) }, 422, 'userId'],
      ['POST', `/api/conversations/${id}/status`, { status: 'closed' }, 400, 'status'],
      ['POST', `/api/conversations/${id}/status`, { status: 'resolved', snoozeUntil: '2030-01-01T00:00:00Z' }, 400, 'snoozeUntil'],
      ['POST', `/api/conversations/${id}/status`, { status: 'snoozed', snoozeUntil: '2020-01-01T00:00:00Z' }, 422, 'snoozeUntil'],
      ['GET', `/api/conversations?status=lost`, undefined, 400, 'status'],
      ['GET', `/api/conversations?cursor=nope`, undefined, 400, 'cursor'],
      ['GET', `/api/conversations/${id}/messages?before=nope`, undefined, 400, 'before'],
      ['GET', '/api/conversations/not-a-uuid', undefined, 400, 'id'],
      ['POST', '/api/canned-replies', { shortcut: 'Has Spaces', text: 'x' }, 400, 'shortcut'],
    ];
    for (const [method, path, body, status, field] of cases) {
      const response = await support.request(method, path, body);
      expect([path, JSON.stringify(body), response.status]).toEqual([path, JSON.stringify(body), status]);
      if (field) expect(JSON.stringify(response.body)).toContain(field);
    }
    // Another workspace sees nothing of it.
    expect((await other.admin.get(`/api/conversations/${id}`)).status).toBe(404);
    expect((await other.admin.post(`/api/conversations/${id}/notes`, { text: 'hi' })).status).toBe(404);
    expect(changedTables(before, await snapshotTables(h.dataSource, options))).toEqual({});
  });

  it('keeps canned replies by shortcut', async () => {
    const created = await support.post('/api/canned-replies', {
      shortcut: 'shipping',
      text: 'Hi {{ contact.first_name | "there" }}, shipping takes 2 days.',
    });
    expect(created.status).toBe(201);
    expect((await support.post('/api/canned-replies', { shortcut: 'shipping', text: 'again' })).status).toBe(409);
    const list = arr(obj((await marketer.get('/api/canned-replies')).body)['data']).map(obj);
    expect(list).toEqual([expect.objectContaining({ shortcut: 'shipping' })]);
  });
});

async function userId(client: ApiClient): Promise<string> {
  return str(obj(obj((await client.get('/api/auth/me')).body)['user'])['id']);
}
