import {
  type RunningHubSpotSimulator,
  type RunningSalesforceSimulator,
  type RunningZohoSimulator,
  startHubSpotSimulator,
  startSalesforceSimulator,
  startZohoSimulator,
} from '@parley/crm-simulators';
import { z } from 'zod';
import { type EngineHarness, startEngineHarness, type TestWorkspace } from '../../test-support/engine-harness';
import { arr, obj, str } from '../../test-support/json';
import { CrmFlowActionsService } from './crm-flow-actions.service';

const TOKEN = 'pat-flow-nodes-test';
const ZOHO = { clientId: '1000.FLOWS', clientSecret: 'zoho-flow-secret', refreshToken: '1000.flow-refresh' };
const SALESFORCE = { clientId: 'sf-flows', clientSecret: 'sf-flow-secret', refreshToken: 'sf-flow-refresh' };
const counts = z.object({ records: z.record(z.string(), z.number()) });

/** The same published flow, CRM steps only; both branches of "Find contact" go on, so it runs the same whatever it finds. */
function crmStepsFlow() {
  const node = (id: string, type: string, config: Record<string, unknown>, y: number) => ({
    id,
    type,
    typeVersion: 1,
    position: { x: 0, y },
    config,
  });
  return {
    schemaVersion: 1,
    nodes: [
      node('trigger', 'trigger.inbound_message', { match: 'keyword', keywords: ['order'], mode: 'contains' }, 0),
      node('find', 'crm.find_contact', { phone: '{{ contact.phone }}' }, 100),
      node('update', 'crm.update_fields', { lastName: 'Flowset', email: 'flow@example.com' }, 200),
      node('deal', 'crm.create_opportunity', { title: 'WhatsApp lead {{ contact.first_name }}', amount: '120' }, 300),
      node('task', 'crm.create_task', { title: 'Call {{ contact.first_name }} back', assignTo: 'nobody' }, 400),
      node('note', 'crm.add_note', { text: 'Asked: {{ event.text }}' }, 500),
      node('order', 'crm.last_order', {}, 600),
    ],
    edges: [
      { id: 'e1', source: 'trigger', sourceOutput: 'next', target: 'find' },
      { id: 'e2', source: 'find', sourceOutput: 'found', target: 'update' },
      { id: 'e3', source: 'find', sourceOutput: 'not_found', target: 'update' },
      { id: 'e4', source: 'update', sourceOutput: 'next', target: 'deal' },
      { id: 'e5', source: 'deal', sourceOutput: 'next', target: 'task' },
      { id: 'e6', source: 'task', sourceOutput: 'next', target: 'note' },
      { id: 'e7', source: 'note', sourceOutput: 'next', target: 'order' },
    ],
    notes: [],
  };
}

/** CRM flow steps against the built-in store and against each local CRM (real HTTP), with one unchanged flow. */
describe('CRM flow steps against whichever store the workspace uses', () => {
  let h: EngineHarness;
  let hubspot: RunningHubSpotSimulator;
  let zoho: RunningZohoSimulator;
  let salesforce: RunningSalesforceSimulator;

  beforeAll(async () => {
    [hubspot, zoho, salesforce] = await Promise.all([
      startHubSpotSimulator({ privateAppTokens: [TOKEN], searchLagMs: 0 }),
      startZohoSimulator({ dataCentre: 'eu', oauth: { ...ZOHO, refreshTokens: [ZOHO.refreshToken] } }),
      startSalesforceSimulator({ oauth: { ...SALESFORCE, refreshTokens: [SALESFORCE.refreshToken] } }),
    ]);
    h = await startEngineHarness({ env: { CRM_SYNC_INTERVAL_MS: '600000', CRM_PUSH_ON_CHANGE: 'false', CRM_POLL_INTERVAL_MS: '600000' } });
  });
  afterAll(async () => {
    await Promise.allSettled([
      (async () => h.close())(),
      (async () => hubspot.close())(),
      (async () => zoho.close())(),
      (async () => salesforce.close())(),
    ]);
  });

  const recordCounts = async (url: string) => counts.parse(await (await fetch(`${url}/sim/state`)).json()).records;

  const publish = async (workspace: TestWorkspace) => {
    const created = await workspace.admin.post('/api/flows', { name: 'CRM steps', definition: crmStepsFlow() });
    expect(created.status).toBe(201);
    const flowId = str(obj(created.body)['id']);
    expect((await workspace.admin.post(`/api/flows/${flowId}/publish`, {})).status).toBe(201);
    return flowId;
  };

  /** A customer writes "order"; answers the execution's step outputs by node id. */
  const customerWrites = async (workspace: TestWorkspace, flowId: string, from: string) => {
    await h.simulator.customerSends({ phoneNumberId: workspace.phoneNumberId, from, name: 'Giulia Rossi', text: 'Where is my order?' });
    await h.idle();
    const executions = arr(obj((await workspace.admin.get(`/api/executions?flowId=${flowId}`)).body)['data']).map(obj);
    const execution = executions.find((e) => e['status'] !== undefined);
    expect(execution).toMatchObject({ status: 'succeeded', errorCode: null });
    const detail = obj((await workspace.admin.get(`/api/executions/${str(execution?.['id'])}`)).body);
    const steps = arr(detail['steps']).map(obj);
    return {
      executionId: str(execution?.['id']),
      outputs: Object.fromEntries(steps.map((s) => [str(s['nodeId']), { output: s['outputName'], data: s['output'] }])),
    };
  };

  it('without a CRM: the steps write Parley’s own opportunities, tasks and notes and read its orders', async () => {
    const shop = await h.addWorkspace('Built-in shop');
    const flowId = await publish(shop);
    const customer = '393331110001';
    const { outputs } = await customerWrites(shop, flowId, customer);
    const [contact] = await h.sql(`SELECT id, last_name, email FROM contacts WHERE workspace_id = $1 AND wa_id = $2`, [shop.id, customer]);
    expect(contact).toMatchObject({ last_name: 'Flowset', email: 'flow@example.com' });
    expect(outputs['find']).toMatchObject({ output: 'found', data: { store: 'built_in', found: true, id: contact?.['id'] } });
    expect(outputs['update']).toMatchObject({ data: { changed: ['lastName', 'email'] } });
    expect(outputs['deal']).toMatchObject({ data: { store: 'built_in' } });
    expect(outputs['note']).toMatchObject({ data: { store: 'built_in' } });
    expect(outputs['order']).toMatchObject({ output: 'none' });
    expect(await h.sql(`SELECT title, stage, amount::text FROM opportunities WHERE workspace_id = $1`, [shop.id])).toEqual([
      { title: 'WhatsApp lead Giulia', stage: 'new', amount: '120.00' },
    ]);
    expect(await h.count('tasks', 'workspace_id = $1', [shop.id])).toBe(1);
    expect(await h.sql(`SELECT text FROM crm_notes WHERE workspace_id = $1`, [shop.id])).toEqual([{ text: 'Asked: Where is my order?' }]);

    // The order the shop reported is what "Look up last order" finds next time.
    await h.sql(
      `INSERT INTO orders (workspace_id, contact_id, external_id, status, total, currency, placed_at) VALUES ($1, $2, 'A-77', 'shipped', 59.9, 'EUR', now())`,
      [shop.id, contact?.['id']],
    );
    const again = await customerWrites(shop, flowId, customer);
    expect(again.outputs['order']).toMatchObject({
      output: 'found',
      data: { externalId: 'A-77', status: 'shipped', total: 59.9, ordersCount: 1 },
    });
  });

  it('with HubSpot connected, the same published flow creates the deal, task and note in the local HubSpot on the contact’s record', async () => {
    const connected = await h.workspace.admin.post('/api/crm/connections', {
      provider: 'hubspot',
      name: 'Local HubSpot',
      settings: { baseUrl: hubspot.url, searchLagMs: 0 },
      secrets: { privateAppToken: TOKEN },
    });
    expect(connected.status).toBe(201);
    const connectionId = str(obj(connected.body)['id']);
    const flowId = await publish(h.workspace);
    const before = await recordCounts(hubspot.url);

    const { outputs } = await customerWrites(h.workspace, flowId, '393331110002');
    expect(outputs['find']).toMatchObject({ output: 'not_found', data: { store: 'hubspot', found: false } });
    expect(outputs['deal']).toMatchObject({ data: { store: 'hubspot' } });
    expect(outputs['task']).toMatchObject({ data: { store: 'hubspot' } });
    expect(outputs['note']).toMatchObject({ data: { store: 'hubspot' } });
    const after = await recordCounts(hubspot.url);
    expect(after).toMatchObject({
      contacts: (before['contacts'] ?? 0) + 1,
      deals: (before['deals'] ?? 0) + 1,
      tasks: (before['tasks'] ?? 0) + 1,
      notes: (before['notes'] ?? 0) + 1,
    });
    // Nothing went to the built-in store.
    expect(await h.count('opportunities', 'workspace_id = $1', [h.workspace.id])).toBe(0);
    expect(await h.count('crm_notes', 'workspace_id = $1', [h.workspace.id])).toBe(0);

    const dealId = str(obj(outputs['deal']?.data)['opportunityId']);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const deal = obj(await (await fetch(`${hubspot.url}/crm/v3/objects/deals/${dealId}?associations=contacts`, { headers: auth })).json());
    expect(obj(deal['properties'])).toMatchObject({ dealname: 'WhatsApp lead Giulia', dealstage: 'appointmentscheduled', amount: '120' });
    const [link] = await h.sql(`SELECT remote_id FROM crm_links WHERE connection_id = $1`, [connectionId]);
    expect(JSON.stringify(deal['associations'])).toContain(str(link?.['remote_id']));

    // The field update reaches HubSpot through the sync, like any other change.
    expect((await h.workspace.admin.post(`/api/crm/connections/${connectionId}/sync`)).status).toBe(200);
    const contact = obj(
      await (
        await fetch(`${hubspot.url}/crm/v3/objects/contacts/${str(link?.['remote_id'])}?properties=lastname,email`, { headers: auth })
      ).json(),
    );
    expect(obj(contact['properties'])).toMatchObject({ lastname: 'Flowset', email: 'flow@example.com' });

    // The same customer again: now found in HubSpot, and the records of the first run are not made twice.
    const second = await customerWrites(h.workspace, flowId, '393331110002');
    expect(second.outputs['find']).toMatchObject({ output: 'found', data: { store: 'hubspot', id: link?.['remote_id'] } });
    expect((await recordCounts(hubspot.url))['contacts']).toBe(after['contacts']);
  });

  it('a retried step finds the record it made instead of making another', async () => {
    const [contact] = await h.sql(`SELECT id FROM contacts WHERE workspace_id = $1 AND wa_id = '393331110002'`, [h.workspace.id]);
    const [execution] = await h.sql(`SELECT id FROM executions WHERE workspace_id = $1 LIMIT 1`, [h.workspace.id]);
    const crm = h.app.get(CrmFlowActionsService).forStep({
      workspaceId: h.workspace.id,
      contactId: str(contact?.['id']),
      executionId: str(execution?.['id']),
      idempotencyKey: 'retry-test:deal:0',
      source: 'test',
    });
    const input = { title: 'Retried', stage: 'new', amount: null, currency: null, source: null };
    const before = await recordCounts(hubspot.url);
    const first = await crm.createOpportunity(input);
    expect(await crm.createOpportunity(input)).toEqual(first);
    expect((await recordCounts(hubspot.url))['deals']).toBe((before['deals'] ?? 0) + 1);
  });

  it.each([
    [
      'zoho',
      () => ({
        settings: { accountsUrl: zoho.url, module: 'Contacts' },
        secrets: ZOHO,
        url: zoho.url,
        deals: 'Deals',
        tasks: 'Tasks',
        notes: 'Notes',
      }),
    ],
    [
      'salesforce',
      () => ({
        settings: { loginUrl: salesforce.url },
        secrets: SALESFORCE,
        url: salesforce.url,
        deals: 'Opportunity',
        tasks: 'Task',
        notes: 'Task',
      }),
    ],
  ])('with %s connected, deal, task and note land in it on the contact’s record', async (provider, setup) => {
    const s = setup();
    const existing = arr(obj((await h.workspace.admin.get('/api/crm/connections')).body)['data']).map(obj);
    for (const connection of existing)
      expect((await h.workspace.admin.request('DELETE', `/api/crm/connections/${str(connection['id'])}`)).status).toBeLessThan(300);
    const connected = await h.workspace.admin.post('/api/crm/connections', {
      provider,
      name: provider,
      settings: s.settings,
      secrets: s.secrets,
    });
    expect(connected.status).toBe(201);
    const [contact] = await h.sql(`SELECT id FROM contacts WHERE workspace_id = $1 AND wa_id = '393331110002'`, [h.workspace.id]);
    const [execution] = await h.sql(`SELECT id FROM executions WHERE workspace_id = $1 LIMIT 1`, [h.workspace.id]);
    const before = await recordCounts(s.url);
    const step = (suffix: string) =>
      h.app.get(CrmFlowActionsService).forStep({
        workspaceId: h.workspace.id,
        contactId: str(contact?.['id']),
        executionId: str(execution?.['id']),
        idempotencyKey: `${provider}-${suffix}`,
        source: 'test',
      });
    expect(await step('deal').createOpportunity({ title: 'Sofa', stage: 'new', amount: 300, currency: 'EUR', source: null })).toMatchObject(
      {
        store: provider,
      },
    );
    expect(
      await step('task').createTask({ title: 'Call back', notes: 'about the sofa', dueAt: new Date(), assignedUserId: null }),
    ).toMatchObject({
      store: provider,
    });
    expect(await step('note').addNote({ text: 'Prefers WhatsApp' })).toMatchObject({ store: provider });
    expect((await step('find').findContact({ phone: '+393331110002' })).contact).toMatchObject({ phone: '+393331110002' });
    const after = await recordCounts(s.url);
    const added = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
    expect(added(s.deals)).toBe(1);
    if (s.tasks === s.notes) expect(added(s.tasks)).toBe(2);
    else expect([added(s.tasks), added(s.notes)]).toEqual([1, 1]);
  });
});
