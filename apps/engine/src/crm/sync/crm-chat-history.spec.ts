import { type RunningHubSpotSimulator, startHubSpotSimulator } from '@parley/crm-simulators';
import { z } from 'zod';
import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { obj, str } from '../../test-support/json';
import { CrmConnectionsService } from '../connections/crm-connections.service';
import { CrmChatHistoryService } from './crm-chat-history.service';
import { CrmOutboxService } from './crm-outbox.service';

const TOKEN = 'pat-chat-history-test';
const LEASE_MS = 1000;
const communication = z.object({ id: z.string(), properties: z.record(z.string(), z.string().nullable()) });
const listAnswer = z.object({ results: z.array(communication) });

/** Chat history to the local HubSpot as WhatsApp communications: batched per conversation, never twice. */
describe('CRM chat history with the local HubSpot', () => {
  let h: EngineHarness;
  let sim: RunningHubSpotSimulator;
  let connectionId: string;

  beforeAll(async () => {
    sim = await startHubSpotSimulator({ privateAppTokens: [TOKEN], searchLagMs: 0 });
    h = await startEngineHarness({
      env: {
        CRM_SYNC_INTERVAL_MS: '600000',
        CRM_PUSH_ON_CHANGE: 'false',
        CRM_POLL_INTERVAL_MS: '100',
        CRM_OUTBOX_LEASE_MS: String(LEASE_MS),
        CRM_CHAT_QUIET_MS: '0',
      },
    });
    const created = await h.workspace.admin.post('/api/crm/connections', {
      provider: 'hubspot',
      name: 'Local HubSpot',
      settings: { baseUrl: sim.url, searchLagMs: 0 },
      secrets: { privateAppToken: TOKEN },
      retryDelayMs: 1000,
    });
    expect(created.status).toBe(201);
    connectionId = str(obj(created.body)['id']);
  });
  afterAll(async () => {
    await Promise.allSettled([(async () => h.close())(), (async () => sim.close())()]);
  });

  const communications = async () => {
    const response = await fetch(
      `${sim.url}/crm/v3/objects/communications?limit=100&properties=hs_communication_body,hs_communication_channel_type`,
      {
        headers: { authorization: `Bearer ${TOKEN}` },
      },
    );
    return listAnswer.parse(await response.json()).results;
  };
  const syncNow = async () => {
    const response = await h.workspace.admin.post(`/api/crm/connections/${connectionId}/sync`);
    expect(response.status).toBe(200);
    return obj(response.body);
  };
  const customerSends = async (from: string, text: string) => {
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from, name: 'Chat Customer', text });
    await h.idle();
  };
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  it('logs each conversation as one WhatsApp communication on the contact, and nothing again on the next rounds', async () => {
    await customerSends('393332220001', 'Hello, is the sofa in stock?');
    await customerSends('393332220001', 'The blue one');
    await customerSends('393332220002', 'Opening hours?');
    await sleep(5);
    await syncNow();
    const logged = await communications();
    expect(logged).toHaveLength(2);
    const first = logged.find((c) => str(c.properties['hs_communication_body']).includes('sofa'));
    expect(str(first?.properties['hs_communication_body'])).toMatch(/Hello, is the sofa in stock\?[\s\S]*The blue one/);
    expect(first?.properties['hs_communication_channel_type']).toBe('WHATS_APP');
    expect(await h.count('crm_logged_messages', 'connection_id = $1 AND remote_activity_id IS NOT NULL', [connectionId])).toBe(3);

    await sleep(150);
    await syncNow();
    await syncNow();
    expect(await communications()).toHaveLength(2);
    expect(await h.count('crm_outbox', `connection_id = $1 AND kind = 'chat.history'`, [connectionId])).toBe(2);
  });

  it('a worker killed after HubSpot saved the batch: the retry finds it and logs nothing twice', async () => {
    await customerSends('393332220001', 'One more question');
    await sleep(150);
    const connections = h.app.get(CrmConnectionsService);
    const connection = await connections.rowById(connectionId);
    if (!connection) throw new Error('connection gone');
    expect(await h.app.get(CrmChatHistoryService).collect(connection)).toBe(1);
    // Worker A claims the batch, marks it attempted, HubSpot saves it ... and A dies before recording the answer.
    const outbox = h.app.get(CrmOutboxService);
    const [item] = (await outbox.claim(connectionId, 10, LEASE_MS)).filter((i) => i.kind === 'chat.history');
    if (!item) throw new Error('no chat batch claimed');
    expect(await outbox.markAttempted(item)).toBe(true);
    const service = h.app.get(CrmChatHistoryService);
    const batch = await service.batch(connectionId, item.id, {
      conversationId: null,
      messageIds: z.array(z.string()).parse(item.payload['messageIds']),
    });
    const [link] = await h.sql(`SELECT remote_type, remote_id FROM crm_links WHERE connection_id = $1 AND contact_id = $2`, [
      connectionId,
      item.contactId,
    ]);
    const saved = await connections
      .connector(connection)
      .logActivity({ type: str(link?.['remote_type']), id: str(link?.['remote_id']) }, batch);
    expect(await communications()).toHaveLength(3);

    // After the lease another round takes the batch again and finds the activity by its key.
    await sleep(LEASE_MS + 100);
    await syncNow();
    expect(await communications()).toHaveLength(3);
    expect(await h.sql(`SELECT status, remote_attempted FROM crm_outbox WHERE id = $1`, [item.id])).toEqual([
      { status: 'done', remote_attempted: true },
    ]);
    expect(await h.sql(`SELECT DISTINCT remote_activity_id FROM crm_logged_messages WHERE outbox_id = $1`, [item.id])).toEqual([
      { remote_activity_id: saved.id },
    ]);
    // The dead worker's late answer changes nothing: its claim is gone.
    expect(await outbox.complete(item, 'done')).toBe(false);
  });

  it('a HubSpot outage fails the batch; it is retried after the delay and logged once', async () => {
    await customerSends('393332220002', 'Are you open on Sunday?');
    await sleep(150);
    const fault = await fetch(`${sim.url}/sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'outage', seconds: 60 }),
    });
    expect(fault.status).toBe(201);
    await syncNow();
    const [failed] = await h.sql(
      `SELECT status, attempts, last_error FROM crm_outbox WHERE connection_id = $1 AND kind = 'chat.history' ORDER BY id DESC LIMIT 1`,
      [connectionId],
    );
    expect(failed).toMatchObject({ status: 'pending', attempts: 1 });
    expect(str(failed?.['last_error'])).toMatch(/unavailable/);
    await fetch(`${sim.url}/sim/faults`, { method: 'DELETE' });
    await sleep(1100);
    await syncNow();
    const logged = await communications();
    expect(logged).toHaveLength(4);
    expect(logged.filter((c) => str(c.properties['hs_communication_body']).includes('Sunday'))).toHaveLength(1);
  });
});
