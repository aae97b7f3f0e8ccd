import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';

describe('flows API: drafts, conflicts, publishing and versions', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function create(definition: unknown = priceReplyFlow()): Promise<{ id: string; revision: number }> {
    const response = await h.workspace.admin.post('/api/flows', { name: 'A flow', definition });
    expect(response.status).toBe(201);
    return { id: str(obj(response.body)['id']), revision: Number(obj(response.body)['revision']) };
  }

  it('creates an empty draft when no definition is given', async () => {
    const response = await h.workspace.admin.post('/api/flows', { name: '  Welcome  ' });
    expect(response.status).toBe(201);
    expect(obj(response.body)).toMatchObject({
      name: 'Welcome',
      status: 'draft',
      revision: 1,
      publishedVersion: null,
      definition: { schemaVersion: 1, nodes: [], edges: [], notes: [] },
    });
  });

  it('refuses an invalid document with 400, names the problem and stores nothing', async () => {
    const before = await h.count('flows');
    const flow = priceReplyFlow();
    const response = await h.workspace.admin.post('/api/flows', {
      name: 'Broken',
      definition: { ...flow, nodes: [{ ...flow.nodes[0], position: { x: 'left', y: 0 } }] },
    });
    expect(response.status).toBe(400);
    expect(arr(obj(response.body)['issues'])).toEqual([
      expect.objectContaining({ code: 'invalid_document', nodeId: 'trigger', field: 'nodes[0].position.x' }),
    ]);
    expect(await h.count('flows')).toBe(before);
  });

  it('refuses a missing or empty name', async () => {
    expect((await h.workspace.admin.post('/api/flows', {})).status).toBe(400);
    expect((await h.workspace.admin.post('/api/flows', { name: '   ' })).status).toBe(400);
  });

  it('saves drafts with a revision token and refuses a stale one with 409', async () => {
    const { id } = await create();
    const first = await h.workspace.admin.put(`/api/flows/${id}`, { revision: 1, name: 'Renamed' });
    expect(obj(first.body)).toMatchObject({ name: 'Renamed', revision: 2 });
    const stale = await h.workspace.admin.put(`/api/flows/${id}`, { revision: 1, name: 'Overwrite?' });
    expect(stale.status).toBe(409);
    expect(obj(stale.body)).toMatchObject({ currentRevision: 2 });
    expect(obj((await h.workspace.admin.get(`/api/flows/${id}`)).body)['name']).toBe('Renamed');
  });

  it('keeps a draft unchanged when the new document is invalid', async () => {
    const { id } = await create();
    const response = await h.workspace.admin.put(`/api/flows/${id}`, {
      revision: 1,
      definition: { schemaVersion: 7, nodes: [], edges: [] },
    });
    expect(response.status).toBe(400);
    expect(arr(obj(response.body)['issues'])).toEqual([expect.objectContaining({ code: 'schema_version_unsupported' })]);
    expect(obj((await h.workspace.admin.get(`/api/flows/${id}`)).body)).toMatchObject({ revision: 1, definition: priceReplyFlow() });
  });

  it('saves drafts with loose ends but refuses to publish them, naming each node and field', async () => {
    const flow = priceReplyFlow();
    const draft = {
      ...flow,
      nodes: [
        ...flow.nodes.map((n) => (n.id === 'reply' ? { ...n, config: { message: { type: 'text', text: '' } } } : n)),
        { id: 'mystery', type: 'crm.teleport', typeVersion: 1, position: { x: 0, y: 300 }, config: {} },
      ],
    };
    const { id } = await create(draft);
    const before = await h.count('flow_versions');
    const response = await h.workspace.admin.post(`/api/flows/${id}/publish`, {});
    expect(response.status).toBe(422);
    const issues = arr(obj(response.body)['issues']).map(obj);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'invalid_config', nodeId: 'reply', field: 'message.text' }),
        expect.objectContaining({ code: 'unknown_node_type', nodeId: 'mystery' }),
        expect.objectContaining({ code: 'node_unreachable', nodeId: 'mystery' }),
      ]),
    );
    expect(str(obj(response.body)['message'])).toMatch(/problem/);
    expect(await h.count('flow_versions')).toBe(before);
  });

  it('publishes immutable, numbered versions and refuses a stale publish', async () => {
    const { id } = await create();
    const v1 = await h.workspace.admin.post(`/api/flows/${id}/publish`, { revision: 1 });
    expect(obj(v1.body)).toMatchObject({ version: 1 });
    await h.workspace.admin.put(`/api/flows/${id}`, { revision: 1, definition: priceReplyFlow('Second reply') });
    expect((await h.workspace.admin.post(`/api/flows/${id}/publish`, { revision: 1 })).status).toBe(409);
    const v2 = await h.workspace.admin.post(`/api/flows/${id}/publish`, { revision: 2 });
    expect(obj(v2.body)).toMatchObject({ version: 2 });

    const versions = arr(obj((await h.workspace.admin.get(`/api/flows/${id}/versions`)).body)['data']).map(obj);
    expect(versions.map((v) => v['version'])).toEqual([2, 1]);
    const first = obj((await h.workspace.admin.get(`/api/flows/${id}/versions/1`)).body);
    expect(JSON.stringify(first['definition'])).toContain('Our prices start');
    expect(obj((await h.workspace.admin.get(`/api/flows/${id}`)).body)).toMatchObject({
      status: 'published',
      publishedVersion: { version: 2 },
    });
    await expect(h.dataSource.query(`UPDATE flow_versions SET definition = '{}' WHERE flow_id = $1`, [id])).rejects.toThrow(/append-only/);
    expect((await h.workspace.admin.get(`/api/flows/${id}/versions/9`)).status).toBe(404);
    expect((await h.workspace.admin.get(`/api/flows/${id}/versions/abc`)).status).toBe(400);
  });

  it('pins each execution to the version it started on, and stops starting new ones after unpublish', async () => {
    const { id } = await create(priceReplyFlow('Reply from v1', 'pinning'));
    await h.workspace.admin.post(`/api/flows/${id}/publish`, {});
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393331000001', text: 'pinning?' });
    await h.idle();
    await h.workspace.admin.put(`/api/flows/${id}`, { revision: 1, definition: priceReplyFlow('Reply from v2', 'pinning') });
    const v2 = obj((await h.workspace.admin.post(`/api/flows/${id}/publish`, {})).body);
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393331000002', text: 'pinning?' });
    await h.idle();
    const executions = arr(obj((await h.workspace.admin.get(`/api/executions?flowId=${id}`)).body)['data']).map(obj);
    expect(executions.map((e) => e['flowVersionId'])).toEqual([v2['id'], expect.any(String)]);
    expect(executions[1]?.['flowVersionId']).not.toBe(v2['id']);
    const texts = h.simulator.state.sent.filter((m) => m.to.startsWith('39333100000')).map((m) => obj(m.body['text'])['body']);
    expect(texts).toEqual(expect.arrayContaining(['Reply from v1', 'Reply from v2']));

    expect(obj((await h.workspace.admin.post(`/api/flows/${id}/unpublish`, {})).body)).toMatchObject({
      status: 'draft',
      publishedVersion: null,
    });
    const sentBefore = h.simulator.state.sent.length;
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393331000003', text: 'pinning?' });
    await h.idle();
    expect(h.simulator.state.sent.length).toBe(sentBefore);
  });

  describe('bad input', () => {
    const node = (id: string, type: string, config: Record<string, unknown>, y: number) => ({
      id,
      type,
      typeVersion: 1,
      position: { x: 0, y },
      config,
    });

    it('answers malformed JSON with 400 and stores nothing', async () => {
      const before = await h.count('flows');
      const response = await fetch(`${h.url}/api/flows`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.workspace.admin.token ?? ''}`, 'content-type': 'application/json' },
        body: '{"name": "Half a flow", "definition": {"nodes": [',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ message: 'The request body is not valid JSON.' });
      expect(await h.count('flows')).toBe(before);
    });

    it('refuses to publish a cycle that has no wait in it, naming the nodes', async () => {
      const { id } = await create({
        schemaVersion: 1,
        nodes: [
          node('t', 'trigger.inbound_message', { match: 'keyword', keywords: ['loop'], mode: 'contains' }, 0),
          node('a', 'contact.tag', { action: 'add', tags: ['a'] }, 150),
          node('b', 'contact.tag', { action: 'add', tags: ['b'] }, 300),
        ],
        edges: [
          { id: 'e1', source: 't', sourceOutput: 'next', target: 'a' },
          { id: 'e2', source: 'a', sourceOutput: 'next', target: 'b' },
          { id: 'e3', source: 'b', sourceOutput: 'next', target: 'a' },
        ],
        notes: [],
      });
      const response = await h.workspace.admin.post(`/api/flows/${id}/publish`, {});
      expect(response.status).toBe(422);
      const issue = arr(obj(response.body)['issues'])
        .map(obj)
        .find((i) => i['code'] === 'cycle_without_wait');
      expect(str(issue?.['message'])).toMatch(/Nodes (a -> b|b -> a) form a loop with no wait/);
      expect(await h.count('flow_versions', 'flow_id = $1', [id])).toBe(0);
    });

    it('refuses an unknown node type at publish and names it', async () => {
      const flow = priceReplyFlow();
      const { id } = await create({ ...flow, nodes: [flow.nodes[0], { ...flow.nodes[1], type: 'whatsapp.send_fax' }] });
      const response = await h.workspace.admin.post(`/api/flows/${id}/publish`, {});
      expect(response.status).toBe(422);
      expect(arr(obj(response.body)['issues'])).toEqual(
        expect.arrayContaining([expect.objectContaining({ code: 'unknown_node_type', nodeId: 'reply' })]),
      );
    });

    it('refuses flows over the size limits, naming the limit, and stores nothing', async () => {
      const before = await h.count('flows');
      const many = Array.from({ length: 1001 }, (_, i) => node(`n${i}`, 'control.end', {}, i * 10));
      const tooMany = await h.workspace.admin.post('/api/flows', {
        name: 'Huge',
        definition: { schemaVersion: 1, nodes: many, edges: [], notes: [] },
      });
      expect(tooMany.status).toBe(400);
      expect(JSON.stringify(tooMany.body)).toMatch(/1000/);

      const wordy = Array.from({ length: 300 }, (_, i) => ({ id: `note${i}`, text: 'x'.repeat(9000), position: { x: 0, y: i } }));
      const tooBig = await h.workspace.admin.post('/api/flows', {
        name: 'Wordy',
        definition: { schemaVersion: 1, nodes: [], edges: [], notes: wordy },
      });
      expect(tooBig.status).toBe(400);
      expect(arr(obj(tooBig.body)['issues'])).toEqual([expect.objectContaining({ code: 'document_too_large' })]);

      const overBody = await h.workspace.admin.post('/api/flows', { name: 'Over the body limit', padding: 'y'.repeat(4 * 1024 * 1024) });
      expect(overBody.status).toBe(413);
      expect(obj(overBody.body)).toMatchObject({ limit: 'API_MAX_BODY_BYTES', message: expect.stringContaining('API_MAX_BODY_BYTES') });
      expect(await h.count('flows')).toBe(before);
    });
  });

  it('answers 404 for an unknown flow and 400 for a malformed id', async () => {
    expect((await h.workspace.admin.get('/api/flows/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await h.workspace.admin.get('/api/flows/not-a-uuid')).status).toBe(400);
    expect((await h.workspace.admin.put('/api/flows/not-a-uuid', { revision: 1 })).status).toBe(400);
  });

  it('serves the 17 ready-made flows; a template publishes as it is', async () => {
    const list = arr(obj((await h.workspace.admin.get('/api/flow-templates')).body)['data']).map(obj);
    expect(list.map((t) => t['number'])).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
    const template = obj((await h.workspace.admin.get('/api/flow-templates/high-intent')).body);
    expect(template).toMatchObject({ id: 'high-intent', number: 1, name: expect.stringContaining('3 times in 7 days') });
    const { id } = await create(template['document']);
    expect((await h.workspace.admin.post(`/api/flows/${id}/publish`, {})).status).toBe(201);
    expect((await h.workspace.admin.get('/api/flow-templates/no-such-flow')).status).toBe(404);
  });

  it('serves the node catalogue with JSON Schemas and outputs', async () => {
    const types = arr(obj((await h.workspace.admin.get('/api/node-types')).body)['data']).map(obj);
    const send = types.find((t) => t['type'] === 'whatsapp.send_message');
    expect(send).toMatchObject({
      version: 1,
      latest: true,
      kind: 'action',
      category: 'WhatsApp',
      outputs: [{ name: 'next', label: 'Sent' }],
    });
    expect(obj(obj(obj(send?.['configSchema'])['properties'])['message'])).toBeDefined();
    expect(types.find((t) => t['type'] === 'trigger.inbound_message')).toMatchObject({ kind: 'trigger', category: 'Triggers' });
    const webhook = types.find((t) => t['type'] === 'crm.send_to_webhook');
    expect(webhook).toMatchObject({
      kind: 'action',
      category: 'CRM',
      displayName: 'Send to webhook',
      outputs: [{ name: 'next', label: 'Delivered (2xx)' }],
    });
    expect(Object.keys(obj(obj(webhook?.['configSchema'])['properties']))).toEqual(
      expect.arrayContaining(['url', 'contactFields', 'includeEvent', 'variables', 'extra', 'timeoutSeconds']),
    );
  });
});
