import { startSimulator, templateDefinitionSchema } from '@parley/whatsapp-simulator';
import { z } from 'zod';
import { SEED_TEMPLATES } from './seed-templates';
import { loadSimulatorConfig, type SimulatorConfig } from './simulator-config';

function config(env: Record<string, string>): SimulatorConfig {
  const result = loadSimulatorConfig(env);
  if (!result.ok) throw new Error(`unexpected problems: ${result.problems.join('; ')}`);
  return result.config;
}

function problems(env: Record<string, string>): string[] {
  const result = loadSimulatorConfig(env);
  return result.ok ? [] : result.problems;
}

describe('simulator configuration from the environment', () => {
  it('defaults to statuses on, Meta-like limits and the seeded templates', () => {
    const { host, port, options } = config({});
    expect({ host, port }).toEqual({ host: '127.0.0.1', port: 3002 });
    expect(options.numbers).toEqual([
      { phoneNumberId: '100000000001', accessToken: 'simulator-access-token', displayPhoneNumber: '15550001111', wabaId: '200000000001' },
    ]);
    expect(options.webhook).toBeUndefined();
    expect(options.statuses).toEqual({ sentAfterMs: 300, deliveredAfterMs: 1500 });
    expect(options.throughput).toEqual({ messagesPerSecond: 80 });
    expect(options.pairRate).toEqual({ burst: 45, intervalMs: 6000 });
    expect(options.marketingCap).toBeUndefined();
    expect(options).toMatchObject({ windowErrors: 'sync', marketingErrors: 'async', blockUsMarketing: true });
    expect(options.templates?.map((t) => t.name)).toEqual([
      'hello_world',
      'order_confirmation',
      'weekly_promo',
      'free_sample',
      'click_follow_up',
      'win_back_15',
      'store_voucher',
    ]);
  });

  it('takes what npm start passes (tools/lib/stack.cjs)', () => {
    const { host, port, options } = config({
      SIM_HOST: '0.0.0.0',
      SIM_PORT: '4002',
      SIM_WEBHOOK_URL: 'http://127.0.0.1:3001/webhooks/whatsapp',
      SIM_APP_SECRET: 'app-secret',
      SIM_PHONE_NUMBER_ID: '100000000001',
      SIM_ACCESS_TOKEN: 'generated-token-123',
    });
    expect({ host, port }).toEqual({ host: '0.0.0.0', port: 4002 });
    expect(options.webhook).toEqual({ url: 'http://127.0.0.1:3001/webhooks/whatsapp', appSecret: 'app-secret' });
    expect(options.numbers[0]).toMatchObject({ phoneNumberId: '100000000001', accessToken: 'generated-token-123' });
  });

  it('turns features off and tunes them', () => {
    const { options } = config({
      SIM_STATUSES: 'off',
      SIM_THROUGHPUT_MPS: '0',
      SIM_PAIR_BURST: '0',
      SIM_WINDOW_ERRORS: 'async',
      SIM_MARKETING_ERRORS: 'sync',
      SIM_MARKETING_CAP: '2',
      SIM_MARKETING_CAP_HOURS: '48',
      SIM_US_MARKETING: 'allow',
      SIM_SEED_TEMPLATES: 'off',
      SIM_WEBHOOK_ATTEMPTS: '3',
      SIM_WEBHOOK_RETRY_MS: '250',
    });
    expect(options.statuses).toBeUndefined();
    expect(options.throughput).toBeUndefined();
    expect(options.pairRate).toBeUndefined();
    expect(options).toMatchObject({
      windowErrors: 'async',
      marketingErrors: 'sync',
      blockUsMarketing: false,
      templates: [],
      webhookRetry: { maxAttempts: 3, firstDelayMs: 250 },
    });
    expect(options.marketingCap).toEqual({ perUser: 2, windowHours: 48 });
    expect(
      config({ SIM_READ_AFTER_MS: '2000', SIM_SENT_AFTER_MS: '10', SIM_DUPLICATE_STATUSES: '0.1', SIM_REORDER_STATUSES: '0.25' }).options
        .statuses,
    ).toEqual({
      sentAfterMs: 10,
      deliveredAfterMs: 1500,
      readAfterMs: 2000,
      duplicateProbability: 0.1,
      reorderProbability: 0.25,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(config({ SIM_PORT: '', SIM_STATUSES: ' ' }).port).toBe(3002);
    expect(config({ SIM_STATUSES: '' }).options.statuses).toBeDefined();
  });

  it('names the variable of every wrong value', () => {
    const found = problems({
      SIM_PORT: 'abc',
      SIM_WINDOW_ERRORS: 'maybe',
      SIM_STATUSES: 'sometimes',
      SIM_THROUGHPUT_MPS: '-1',
      SIM_PHONE_NUMBER_ID: 'pnid',
      SIM_REORDER_STATUSES: '2',
    });
    for (const name of [
      'SIM_PORT',
      'SIM_WINDOW_ERRORS',
      'SIM_STATUSES',
      'SIM_THROUGHPUT_MPS',
      'SIM_PHONE_NUMBER_ID',
      'SIM_REORDER_STATUSES',
    ]) {
      expect(found.some((p) => p.startsWith(`${name}: `))).toBe(true);
    }
    expect(problems({ SIM_WEBHOOK_URL: 'http://127.0.0.1:3001/webhooks/whatsapp' })).toEqual([
      expect.stringMatching(/^SIM_APP_SECRET: is required when SIM_WEBHOOK_URL is set/),
    ]);
    expect(problems({ SIM_WEBHOOK_URL: 'not a url', SIM_APP_SECRET: 's' })).toEqual([expect.stringMatching(/^SIM_WEBHOOK_URL: /)]);
  });
});

describe('seeded templates', () => {
  // The parameter counts the ready-made flows (libs/flow-templates) fill for each template.
  const expected: Record<string, { category: string; parameters: number }> = {
    hello_world: { category: 'UTILITY', parameters: 0 },
    order_confirmation: { category: 'UTILITY', parameters: 2 },
    weekly_promo: { category: 'MARKETING', parameters: 1 },
    free_sample: { category: 'MARKETING', parameters: 0 },
    click_follow_up: { category: 'MARKETING', parameters: 2 },
    win_back_15: { category: 'MARKETING', parameters: 2 },
    store_voucher: { category: 'MARKETING', parameters: 1 },
  };

  it('are valid Meta template definitions in English with the expected placeholders', () => {
    expect(SEED_TEMPLATES.map((t) => t.name).sort()).toEqual(Object.keys(expected).sort());
    for (const template of SEED_TEMPLATES) {
      const parsed = templateDefinitionSchema.parse(template);
      const body = parsed.components.find((c) => c.type === 'BODY')?.text ?? '';
      const placeholders = [...body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => m[1]);
      const want = expected[parsed.name];
      expect({ name: parsed.name, language: parsed.language, category: parsed.category, placeholders }).toEqual({
        name: parsed.name,
        language: 'en',
        category: want?.category,
        placeholders: Array.from({ length: want?.parameters ?? -1 }, (_, i) => String(i + 1)),
      });
    }
  });

  it('are registered at start: a send with the right parameters is accepted, a wrong count gets 132000', async () => {
    const { options } = config({});
    const sim = await startSimulator(options, 0);
    try {
      const send = async (name: string, parameters: string[]) => {
        const response = await fetch(`${sim.url}/v24.0/100000000001/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer simulator-access-token' },
          body: JSON.stringify({
            messaging_product: 'whatsapp',
            to: '393331234567',
            type: 'template',
            template: {
              name,
              language: { code: 'en' },
              ...(parameters.length > 0
                ? { components: [{ type: 'body', parameters: parameters.map((text) => ({ type: 'text', text })) }] }
                : {}),
            },
          }),
        });
        return { status: response.status, body: z.record(z.string(), z.unknown()).parse(await response.json()) };
      };
      expect((await send('order_confirmation', ['Anna', 'A-1042'])).status).toBe(200);
      expect((await send('hello_world', [])).status).toBe(200);
      expect(await send('weekly_promo', [])).toMatchObject({ status: 400, body: { error: { code: 132000 } } });
      expect(await send('spring_sale', [])).toMatchObject({ status: 400, body: { error: { code: 132001 } } });
    } finally {
      await sim.close();
    }
  });
});
