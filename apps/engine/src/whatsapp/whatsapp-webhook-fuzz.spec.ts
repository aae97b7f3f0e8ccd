import { signWebhookBody, toAsciiJson } from '@parley/whatsapp';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj } from '../test-support/json';

/** A small seeded PRNG (mulberry32), so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Thousands of malformed, truncated and type-confused webhooks, correctly
 * signed (so they get past the signature and reach the parser and the
 * processor): none may answer 500, none may leave a delivery half-processed,
 * and well-formed items riding along with broken ones must still be stored.
 */
describe('WhatsApp webhook fuzzing', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  function validPayload(i: number): Record<string, unknown> {
    return {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '200001',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550001', phone_number_id: h.workspace.phoneNumberId },
                contacts: [{ profile: { name: 'Zoë Łukasik 王' }, wa_id: `3933377${String(i).padStart(5, '0')}` }],
                messages: [
                  {
                    from: `3933377${String(i).padStart(5, '0')}`,
                    id: `wamid.fuzz${i}`,
                    timestamp: '1795000000',
                    type: 'text',
                    text: { body: `Quanto costa? ${i}` },
                  },
                  {
                    from: `3933377${String(i).padStart(5, '0')}`,
                    id: `wamid.fuzzloc${i}`,
                    timestamp: '1795000001',
                    type: 'location',
                    location: { latitude: 45.46, longitude: 9.19 },
                  },
                ],
                statuses: [{ id: `wamid.unknown${i}`, status: 'delivered', timestamp: '1795000002', recipient_id: '393330000000' }],
              },
            },
            {
              field: 'user_preferences',
              value: {
                messaging_product: 'whatsapp',
                user_preferences: [{ wa_id: '393330000000', category: 'marketing_messages', value: 'stop', timestamp: 1795000003 }],
              },
            },
          ],
        },
      ],
    };
  }

  const junk: (() => unknown)[] = [
    () => 'nul\u0000byte',
    () => null,
    () => 42,
    () => -1e308,
    () => '',
    () => 'x'.repeat(5000),
    () => [],
    () => ({}),
    () => true,
    () => [null, { a: [] }],
    () => ({ nested: { deeper: { deepest: [1, '2', null] } } }),
  ];

  /** Replaces, deletes or duplicates one value somewhere in the tree. */
  function mutate(value: unknown, random: () => number, depth = 0): unknown {
    if (Array.isArray(value)) {
      if (value.length === 0 || random() < 0.15) return junk[Math.floor(random() * junk.length)]?.();
      const index = Math.floor(random() * value.length);
      const copy = [...value];
      if (random() < 0.2) copy.push(copy[index]);
      copy[index] = mutate(copy[index], random, depth + 1);
      return copy;
    }
    if (typeof value === 'object' && value !== null) {
      const keys = Object.keys(value);
      const entries = Object.entries(value);
      if (keys.length === 0 || random() < 0.1 + depth * 0.05) return junk[Math.floor(random() * junk.length)]?.();
      const key = keys[Math.floor(random() * keys.length)];
      const roll = random();
      return Object.fromEntries(
        roll < 0.2 ? entries.filter(([k]) => k !== key) : entries.map(([k, v]) => [k, k === key ? mutate(v, random, depth + 1) : v]),
      );
    }
    return junk[Math.floor(random() * junk.length)]?.();
  }

  async function post(body: string): Promise<number> {
    const response = await fetch(`${h.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(body, h.appSecret) },
      body,
    });
    await response.arrayBuffer();
    return response.status;
  }

  it('never answers 500 and never half-stores, whatever the payload', async () => {
    const random = prng(20261122);
    const statuses = new Map<number, number>();
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    for (let i = 0; i < 1500; i += 1) {
      const valid = toAsciiJson(validPayload(i));
      let body: string;
      const roll = random();
      if (roll < 0.3) {
        // Truncated anywhere, as a dropped connection would leave it.
        body = valid.slice(0, Math.floor(random() * valid.length));
      } else if (roll < 0.35) {
        body =
          ['', '[]', 'null', '"text"', '{"object":1}', '{"entry":{}}', '\u0000\u0001', '{'.repeat(5000)][Math.floor(random() * 8)] ?? '';
      } else {
        // Mostly inside a change's value, where real payloads vary and the processor does its work; sometimes the envelope.
        const payload = validPayload(i);
        let mutated: unknown = payload;
        if (random() < 0.75) {
          const [entry] = arr(payload['entry']).map(obj);
          const changes = arr(entry?.['changes']).map(obj);
          const change = changes[Math.floor(random() * changes.length)];
          if (change) for (let m = 1 + Math.floor(random() * 3); m > 0; m -= 1) change['value'] = mutate(change['value'], random);
        } else {
          for (let m = 1 + Math.floor(random() * 3); m > 0; m -= 1) mutated = mutate(mutated, random);
        }
        body = toAsciiJson(mutated);
      }
      const status = await post(body);
      count(status);
      expect({ i, status: [200, 400, 413].includes(status) }).toEqual({ i, status: true });
    }
    expect(statuses.get(500)).toBeUndefined();
    // Every stored delivery gets processed to the end; broken items are noted, never crash the processor.
    await h.settle();
    expect(await h.count('webhook_deliveries', 'processed_at IS NULL')).toBe(0);
    expect(await h.count('webhook_deliveries', 'last_error IS NOT NULL')).toBe(0);
    // Every stored inbound message has exactly its event: nothing half-applied.
    const [orphans] = await h.sql(
      `SELECT count(*)::int AS n FROM messages m WHERE m.direction = 'inbound' AND NOT EXISTS (SELECT 1 FROM events e WHERE e.source = 'whatsapp' AND e.source_id = m.wamid)`,
    );
    expect(orphans).toEqual({ n: 0 });
    expect(statuses.get(200) ?? 0).toBeGreaterThan(300);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(300);
  }, 300_000);
});
