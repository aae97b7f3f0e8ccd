import { buildFlow } from '@parley/flow-templates';
import { type EngineHarness, startEngineHarness } from './test-support/engine-harness';
import { obj, str } from './test-support/json';
import { Scenario } from './test-support/scenario';

const CUSTOMER = '393331234500';
const SECRET_WORDS = 'my secret words about order 4471';
const WEBHOOK_NUMBER = '393339998877';
const WEBHOOK_TEXT = 'my private order text';

const keyword = (word: string) => ({ match: 'keyword', keywords: [word], mode: 'contains', caseSensitive: false });
const template = (name: string, category: string) => ({
  message: {
    type: 'template',
    template: { name, language: 'en', headerFormat: 'none', headerParameter: null, bodyParameters: [], buttonParameters: [] },
  },
  category,
  templateFallback: null,
});
const text = (body: string) => ({ message: { type: 'text', text: body, previewUrl: false }, category: 'service', templateFallback: null });

/**
 * What an operator reads in the engine's log (pino JSON on stdout; here a
 * stream the harness passes in): failed executions, parked webhooks and the
 * policy gate's refusals and deferrals at `warn`, with ids to follow, and
 * never a customer's number or words.
 */
describe('operational log', () => {
  let h: EngineHarness;
  const raw: string[] = [];
  const entries = () => raw.flatMap((chunk) => chunk.split('\n').filter((line) => line.trim() !== '')).map((line) => obj(JSON.parse(line)));
  const find = (event: string) => entries().filter((entry) => entry['event'] === event);

  beforeAll(async () => {
    h = await startEngineHarness({ env: { LOG_LEVEL: 'info' }, logStream: { write: (chunk: string) => void raw.push(chunk) } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('logs failed executions, policy blocks and deferrals, and parked webhooks at warn with ids, and no customer data at all', async () => {
    const s = await Scenario.create(h, 'operational log');
    await s.approveTemplates(
      { name: 'coupon_10', language: 'en', category: 'MARKETING', components: [{ type: 'BODY', text: '10% off' }] },
      { name: 'order_update', language: 'en', category: 'UTILITY', status: 'PAUSED', components: [{ type: 'BODY', text: 'On its way' }] },
    );
    const offer = await s.publish(
      buildFlow(
        [
          { id: 't', type: 'trigger.inbound_message', config: keyword('offer'), at: [0, 0] },
          { id: 'send', type: 'whatsapp.send_message', config: template('coupon_10', 'marketing'), at: [0, 1] },
        ],
        [['t', 'next', 'send']],
      ),
    );
    const status = await s.publish(
      buildFlow(
        [
          { id: 't', type: 'trigger.inbound_message', config: keyword('status'), at: [0, 0] },
          { id: 'update', type: 'whatsapp.send_message', config: template('order_update', 'utility'), at: [0, 1] },
        ],
        [['t', 'next', 'update']],
      ),
    );
    const menu = await s.publish(
      buildFlow(
        [
          { id: 't', type: 'trigger.inbound_message', config: keyword('menu'), at: [0, 0] },
          { id: 'one', type: 'whatsapp.send_message', config: text(`Menu for you: ${SECRET_WORDS}`), at: [0, 1] },
          { id: 'two', type: 'whatsapp.send_message', config: text('Second part'), at: [0, 2] },
        ],
        [
          ['t', 'next', 'one'],
          ['one', 'next', 'two'],
        ],
      ),
    );
    const c = s.customer(CUSTOMER, 'Ada Lovelace');
    await c.says('STOP');
    await c.says(`offer please, ${SECRET_WORDS}`);
    await c.says(`status of ${SECRET_WORDS}`);
    await c.says(`menu ${SECRET_WORDS}`);
    const contactId = str((await c.contact())['id']);
    const run = async (flowId: string) => {
      const [row] = await h.sql(
        `SELECT e.id, e.flow_version_id, s.id AS step_id FROM executions e JOIN execution_steps s ON s.execution_id = e.id AND s.node_id <> 't'
          WHERE e.flow_id = $1 ORDER BY s.sequence LIMIT 1`,
        [flowId],
      );
      return { executionId: str(row?.['id']), flowVersionId: str(row?.['flow_version_id']), stepId: str(row?.['step_id']) };
    };

    // The marketing template to a customer who said STOP: the gate's refusal, then the failed execution.
    const offerRun = await run(offer);
    const ids = { workspaceId: s.workspace.id, flowId: offer, flowVersionId: offerRun.flowVersionId, executionId: offerRun.executionId };
    expect(find('policy.blocked')).toEqual([
      expect.objectContaining({
        level: 40,
        context: 'WhatsAppSender',
        ...ids,
        nodeId: 'send',
        contactId,
        rule: 'consent',
        category: 'marketing',
        categorySource: 'registry',
        msg: 'Send blocked by the policy gate (consent)',
      }),
    ]);
    expect(find('execution.failed')).toEqual([
      expect.objectContaining({
        level: 40,
        context: 'FlowRunner',
        ...ids,
        stepId: offerRun.stepId,
        nodeId: 'send',
        contactId,
        errorCode: 'policy:consent',
        testMode: false,
      }),
    ]);

    // A template Meta paused holds its send: a deferral, with when it is tried again.
    const statusRun = await run(status);
    expect(find('policy.deferred').filter((entry) => entry['level'] === 40)).toEqual([
      expect.objectContaining({
        workspaceId: s.workspace.id,
        flowId: status,
        flowVersionId: statusRun.flowVersionId,
        executionId: statusRun.executionId,
        nodeId: 'update',
        contactId,
        rule: 'template_status',
        until: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ]);

    // Seconds of spacing between two messages to one customer are the queue's normal pace: info, not warn.
    const menuRun = await run(menu);
    expect(find('policy.deferred').filter((entry) => entry['rule'] === 'recipient_spacing')).toEqual([
      expect.objectContaining({ level: 30, executionId: menuRun.executionId, nodeId: 'two' }),
    ]);

    // A delivery that cannot be processed is retried, then parked with an error code; its body stays out of the log.
    const [delivery] = await h.sql(
      `INSERT INTO webhook_deliveries (provider, received_at, body) VALUES ('whatsapp', now(), $1) RETURNING id::text AS id`,
      // JSON.parse quotes the start of what it could not read: here the customer's number.
      [Buffer.from(`x${WEBHOOK_NUMBER} wrote: ${WEBHOOK_TEXT}`)],
    );
    await h.settle();
    const [parked] = await h.sql('SELECT attempts, processed_at IS NOT NULL AS parked FROM webhook_deliveries WHERE id = $1', [
      delivery?.['id'],
    ]);
    expect(parked).toEqual({ attempts: 5, parked: true });
    expect(find('webhook.parked')).toEqual([
      expect.objectContaining({
        level: 40,
        context: 'WebhookProcessor',
        deliveryId: str(delivery?.['id']),
        attempts: 5,
        errorCode: 'invalid_json',
      }),
    ]);

    // Requests: an API key, an incoming webhook's token and a search for the customer's number stay out of the request log.
    const apiKey = str(obj((await s.admin.post('/api/api-keys', { name: 'shop' })).body)['key']);
    const crm = await fetch(`${h.url}/api/crm/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ type: 'store.visited', id: 'visit-1', contact: { waId: CUSTOMER } }),
    });
    expect(crm.status).toBe(202);
    expect((await s.admin.get(`/api/contacts?search=${CUSTOMER}`)).status).toBe(200);
    const hookFlow = await s.publish(
      buildFlow(
        [
          { id: 't', type: 'trigger.incoming_webhook', config: { phonePath: 'phone', defaultCountry: 'IT' }, at: [0, 0] },
          { id: 'tag', type: 'contact.tag', config: { action: 'add', tags: ['hooked'] }, at: [0, 1] },
        ],
        [['t', 'next', 'tag']],
      ),
    );
    const hookPath = new URL(str(obj((await s.admin.get(`/api/flows/${hookFlow}/webhook`)).body)['url'])).pathname;
    const hookToken = hookPath.split('/').at(-1) ?? '';
    expect(hookToken.length).toBeGreaterThan(36);
    const hooked = await fetch(`${h.url}${hookPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: `+${CUSTOMER}` }),
    });
    expect(hooked.status).toBe(202);
    await h.settle();
    const requests = entries().filter((entry) => entry['req'] !== undefined && entry['res'] !== undefined);
    expect(requests.map((entry) => obj(entry['req'])['url'])).toEqual(
      expect.arrayContaining(['/api/crm/events', '/api/contacts?search=[redacted]', '/hooks/[redacted]']),
    );
    // Background work (a run started by a webhook) is not logged as part of the request that happened to start it.
    expect(find('policy.blocked')[0]?.['req']).toBeUndefined();

    // Nothing the customer wrote or their number, no credential, at any level, anywhere in the log.
    const log = raw.join('');
    expect(log.length).toBeGreaterThan(0);
    for (const secret of [
      CUSTOMER,
      SECRET_WORDS,
      'Ada Lovelace',
      WEBHOOK_NUMBER,
      WEBHOOK_TEXT,
      '10% off',
      h.appSecret,
      apiKey,
      hookToken,
    ]) {
      expect({ secret, logged: log.includes(secret) }).toEqual({ secret, logged: false });
    }
    // Part of a number is enough to identify someone (JSON.parse quotes the first 10 characters it could not read).
    for (const part of [CUSTOMER.slice(0, 9), WEBHOOK_NUMBER.slice(0, 9)])
      expect({ part, logged: log.includes(part) }).toEqual({ part, logged: false });
  });
});
