import { conditionConfigSchema, conditionDefinition } from './conditions/condition/condition.definition';
import { conditionHandler } from './conditions/condition/condition.handler';
import { assignAgentConfigSchema } from './contacts/assign-agent/assign-agent.definition';
import { assignAgentHandler } from './contacts/assign-agent/assign-agent.handler';
import { consentConfigSchema } from './contacts/consent/consent.definition';
import { handOverConfigSchema } from './contacts/hand-over/hand-over.definition';
import { handOverHandler } from './contacts/hand-over/hand-over.handler';
import { consentHandler } from './contacts/consent/consent.handler';
import { moveToListHandler } from './contacts/move-to-list/move-to-list.handler';
import { notifyAgentConfigSchema } from './contacts/notify-agent/notify-agent.definition';
import { notifyAgentHandler } from './contacts/notify-agent/notify-agent.handler';
import { setFieldHandler } from './contacts/set-field/set-field.handler';
import { tagHandler } from './contacts/tag/tag.handler';
import { endHandler } from './control/end/end.handler';
import { pauseAutomationConfigSchema } from './control/pause-automation/pause-automation.definition';
import { pauseAutomationHandler } from './control/pause-automation/pause-automation.handler';
import { splitConfigSchema, splitDefinition } from './control/split/split.definition';
import { splitHandler } from './control/split/split.handler';
import { createOpportunityConfigSchema } from './crm/create-opportunity/create-opportunity.definition';
import { createOpportunityHandler } from './crm/create-opportunity/create-opportunity.handler';
import { createTaskConfigSchema } from './crm/create-task/create-task.definition';
import { createTaskHandler } from './crm/create-task/create-task.handler';
import { couponConfigSchema } from './data/coupon/coupon.definition';
import { couponHandler } from './data/coupon/coupon.handler';
import { httpRequestConfigSchema } from './data/http-request/http-request.definition';
import { httpRequestHandler } from './data/http-request/http-request.handler';
import { setVariableConfigSchema } from './data/set-variable/set-variable.definition';
import { setVariableHandler } from './data/set-variable/set-variable.handler';
import { testContext } from './test-kit.spec-helper';

describe('action and control nodes', () => {
  it('condition: takes the true or false branch and records what it saw', async () => {
    const config = conditionConfigSchema.parse({ rule: { '>=': [{ events_count: [{ intent: 'price' }, '7d'] }, 3] } });
    const yes = testContext(config, { condition: true });
    expect(await conditionHandler.execute(yes.context)).toEqual({
      outcome: 'continue',
      output: 'true',
      data: { result: true, values: { seen: 1 } },
      decision: { rule: config.rule, result: true, values: { seen: 1 } },
    });
    expect(await conditionHandler.execute(testContext(config, { condition: false }).context)).toMatchObject({ output: 'false' });
    expect(conditionDefinition.validate?.(conditionConfigSchema.parse({ rule: { nope: [] } }))).toEqual([
      expect.objectContaining({ field: 'rule' }),
    ]);
  });

  it('tag, field, list: act on the contact', async () => {
    const tag = testContext({ action: 'add' as const, tags: ['price-sensitive'] });
    expect(await tagHandler.execute(tag.context)).toMatchObject({ data: { changed: ['price-sensitive'] } });
    const untag = testContext({ action: 'remove' as const, tags: ['vip'] });
    await tagHandler.execute(untag.context);
    expect(untag.recorded.calls).toEqual([{ service: 'removeTags', input: ['vip'] }]);
    const field = testContext({ field: 'lead_source', value: 'WhatsApp ({{ contact.first_name }})' });
    expect(await setFieldHandler.execute(field.context)).toMatchObject({
      data: { field: 'lead_source', value: 'WhatsApp (Ada)', changed: true },
    });
    const list = testContext({ list: 'low-priority' });
    await moveToListHandler.execute(list.context);
    expect(list.recorded.calls).toEqual([{ service: 'moveToList', input: 'low-priority' }]);
    const consent = testContext(consentConfigSchema.parse({ kind: 'marketing', value: 'opted_in' }));
    expect(await consentHandler.execute(consent.context)).toEqual({
      outcome: 'continue',
      output: 'next',
      data: { kind: 'marketing', value: 'opted_in', changed: true },
    });
    expect(consent.recorded.calls).toEqual([{ service: 'setConsent', input: { kind: 'marketing', value: 'opted_in' } }]);
    expect(consentConfigSchema.safeParse({ kind: 'newsletter', value: 'opted_in' }).success).toBe(false);
  });

  it('assign and notify: reach the right person, admins when nobody is assigned', async () => {
    const assign = testContext(assignAgentConfigSchema.parse({ userId: '7d2c7f2e-1111-4111-8111-111111111111', note: 'Hot lead' }));
    await assignAgentHandler.execute(assign.context);
    expect(assign.recorded.calls.map((c) => c.service)).toEqual(['assign', 'notify']);
    const owner = testContext(notifyAgentConfigSchema.parse({ title: 'Call {{ contact.first_name }}' }));
    await notifyAgentHandler.execute(owner.context);
    expect(owner.recorded.calls).toEqual([{ service: 'notify', input: { userId: 'agent-1', title: 'Call Ada', body: '' } }]);
    const nobody = testContext(notifyAgentConfigSchema.parse({ title: 'x' }), { contact: { assignedUserId: null } });
    await notifyAgentHandler.execute(nobody.context);
    expect(nobody.recorded.calls[0]?.input).toMatchObject({ userId: null });
  });

  it('hand over to a human: gives the conversation to the team with the rendered note', async () => {
    const handOver = testContext(handOverConfigSchema.parse({ note: '{{ contact.first_name }} asked for a person' }));
    expect(await handOverHandler.execute(handOver.context)).toMatchObject({
      outcome: 'continue',
      data: { conversationId: 'conversation-1', opened: true },
    });
    expect(handOver.recorded.calls).toEqual([{ service: 'handOver', input: 'Ada asked for a person' }]);
  });

  it('pause automation: until a time, or until resumed', async () => {
    const timed = testContext(pauseAutomationConfigSchema.parse({ hours: 12 }));
    expect(await pauseAutomationHandler.execute(timed.context)).toMatchObject({ data: { until: '2026-11-22T22:00:00.000Z' } });
    const open = testContext(pauseAutomationConfigSchema.parse({ hours: null, reason: 'VIP handled by hand' }));
    await pauseAutomationHandler.execute(open.context);
    expect(open.recorded.calls).toEqual([{ service: 'pauseContact', input: { until: null, reason: 'VIP handled by hand' } }]);
  });

  it('CRM: opportunity with a rendered amount, task for the contact owner', async () => {
    const opportunity = testContext(
      createOpportunityConfigSchema.parse({ title: 'Lead {{ contact.first_name }}', amount: '{{ vars.total }}', currency: 'EUR' }),
      {
        data: { vars: { total: '129,90' } },
      },
    );
    expect(await createOpportunityHandler.execute(opportunity.context)).toMatchObject({
      outcome: 'continue',
      data: { opportunityId: 'opp-1', store: 'built_in' },
    });
    expect(opportunity.recorded.calls[0]?.input).toMatchObject({ title: 'Lead Ada', amount: 129.9, currency: 'EUR' });
    const bad = testContext(createOpportunityConfigSchema.parse({ title: 'x', amount: 'lots' }));
    expect(await createOpportunityHandler.execute(bad.context)).toMatchObject({ outcome: 'failed', errorCode: 'invalid_amount' });
    const task = testContext(createTaskConfigSchema.parse({ title: 'Weekly follow-up', dueInHours: 168 }));
    await createTaskHandler.execute(task.context);
    expect(task.recorded.calls[0]?.input).toMatchObject({ assignedUserId: 'agent-1', dueAt: new Date('2026-11-29T10:00:00Z') });
  });

  it('coupon: issues a code and exposes it as variables', async () => {
    const { context, recorded } = testContext(couponConfigSchema.parse({ campaign: 'high-intent', prefix: 'PRICE', percentOff: 10 }));
    expect(await couponHandler.execute(context)).toMatchObject({
      data: { code: 'PRICE-ABC123', discount: '10%' },
      vars: { coupon_code: 'PRICE-ABC123', coupon_discount: '10%' },
    });
    expect(recorded.calls[0]?.input).toMatchObject({ campaign: 'high-intent', percentOff: 10 });
    expect(couponConfigSchema.safeParse({ campaign: 'x', percentOff: 10, amountOff: 5, currency: 'EUR' }).success).toBe(false);
    expect(couponConfigSchema.safeParse({ campaign: 'x', percentOff: null, amountOff: 15 }).success).toBe(false);
    expect(couponConfigSchema.safeParse({ campaign: 'x', percentOff: null, amountOff: 15, currency: 'USD' }).success).toBe(true);
  });

  it('set variable: from text or computed', async () => {
    const text = testContext(setVariableConfigSchema.parse({ mode: 'text', name: 'greeting', value: 'Ciao {{ contact.first_name }}' }));
    expect(await setVariableHandler.execute(text.context)).toMatchObject({ vars: { greeting: 'Ciao Ada' } });
    const computed = testContext(setVariableConfigSchema.parse({ mode: 'expression', name: 'score', expression: { '+': [40, 2] } }));
    expect(await setVariableHandler.execute(computed.context)).toMatchObject({ vars: { score: 42 } });
  });

  it('HTTP request: renders the call, maps statuses to success, retryable and final failures', async () => {
    const config = httpRequestConfigSchema.parse({
      method: 'POST',
      url: 'https://carrier.example/track/{{ vars.tracking }}',
      body: '{"ref":"{{ vars.tracking }}"}',
      headers: [{ name: 'X-Key', value: 'k' }],
    });
    const ok = testContext(config, { data: { vars: { tracking: 'TR1' } } });
    expect(await httpRequestHandler.execute(ok.context)).toMatchObject({ outcome: 'continue', data: { status: 200, body: { ok: true } } });
    expect(ok.recorded.calls[0]?.input).toEqual({
      method: 'POST',
      url: 'https://carrier.example/track/TR1',
      headers: { 'x-key': 'k', 'content-type': 'application/json' },
      body: '{"ref":"TR1"}',
      timeoutMs: 10_000,
    });
    const busy = testContext(config, { http: { ok: true, status: 503, headers: {}, body: 'busy' } });
    expect(await httpRequestHandler.execute(busy.context)).toMatchObject({ outcome: 'failed', errorCode: 'http_503', retryable: true });
    const missing = testContext(config, { http: { ok: true, status: 404, headers: {}, body: null } });
    expect(await httpRequestHandler.execute(missing.context)).toMatchObject({ errorCode: 'http_404', retryable: false });
    const blocked = testContext(config, { http: { ok: false, errorCode: 'blocked_target', errorMessage: '10.0.0.1 is private' } });
    expect(await httpRequestHandler.execute(blocked.context)).toMatchObject({ errorCode: 'blocked_target', retryable: false });
  });

  it('A/B split: stable per contact, by percentage, with outputs from its config', async () => {
    const config = splitConfigSchema.parse({
      branches: [
        { name: 'coupon', percent: 30 },
        { name: 'control', percent: 70 },
      ],
    });
    expect(await splitHandler.execute(testContext(config, { random: 0.1 }).context)).toMatchObject({ output: 'coupon' });
    expect(await splitHandler.execute(testContext(config, { random: 0.3 }).context)).toMatchObject({ output: 'control' });
    expect(await splitHandler.execute(testContext(config, { random: 0.9999 }).context)).toMatchObject({ output: 'control' });
    expect(splitDefinition.resolveOutputs?.(config).map((o) => o.name)).toEqual(['coupon', 'control']);
    expect(
      splitConfigSchema.safeParse({
        branches: [
          { name: 'a', percent: 60 },
          { name: 'b', percent: 60 },
        ],
      }).success,
    ).toBe(false);
  });

  it('end: ends the run', async () => {
    expect(await endHandler.execute(testContext({}).context)).toEqual({ outcome: 'end', data: {} });
  });
});
