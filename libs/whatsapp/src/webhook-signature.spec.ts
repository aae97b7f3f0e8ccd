import crypto, { createHmac } from 'node:crypto';
import { toAsciiJson } from './ascii-json';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';

const secret = 'app-secret-123';

function reference(body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

describe('webhook signatures', () => {
  const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');

  it('signs like an independent HMAC-SHA256 over the raw bytes', () => {
    expect(signWebhookBody(body, secret)).toBe(reference(body));
  });

  it('accepts a correct signature and rejects any change to body, secret or header', () => {
    const header = signWebhookBody(body, secret);
    expect(verifyWebhookSignature(body, header, [secret])).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(body.toString() + ' '), header, [secret])).toBe(false);
    expect(verifyWebhookSignature(body, header, ['other-secret'])).toBe(false);
    expect(verifyWebhookSignature(body, header.toUpperCase().replace('SHA256=', 'sha256='), [secret])).toBe(true);
    expect(verifyWebhookSignature(body, header.replace('sha256=', 'sha1='), [secret])).toBe(false);
    expect(verifyWebhookSignature(body, header.slice(0, -2), [secret])).toBe(false);
    expect(verifyWebhookSignature(body, undefined, [secret])).toBe(false);
    expect(verifyWebhookSignature(body, [header, header], [secret])).toBe(false);
    expect(verifyWebhookSignature(body, header, [])).toBe(false);
    expect(verifyWebhookSignature(body, header, [''])).toBe(false);
  });

  it('accepts the previous secret during a rotation', () => {
    const header = signWebhookBody(body, 'old-secret');
    expect(verifyWebhookSignature(body, header, [secret, 'old-secret'])).toBe(true);
  });

  it('verifies non-ASCII bodies on their exact bytes, escaped or not', () => {
    const payload = { text: { body: 'Quanto costa? 多少钱 😀 ż' } };
    const escaped = Buffer.from(toAsciiJson(payload));
    const raw = Buffer.from(JSON.stringify(payload));
    expect(escaped.toString()).toContain('\\u591a\\u5c11\\u94b1 \\ud83d\\ude00 \\u017c');
    expect(JSON.parse(escaped.toString())).toEqual(payload);
    expect(verifyWebhookSignature(escaped, signWebhookBody(escaped, secret), [secret])).toBe(true);
    expect(verifyWebhookSignature(raw, signWebhookBody(escaped, secret), [secret])).toBe(false);
  });

  describe.each([
    ['emoji', { entry: [{ changes: [{ value: { messages: [{ text: { body: 'Grazie! 😀👍🏽🇮🇹 👨‍👩‍👧' } }] } }] }] }],
    ['Chinese', { entry: [{ changes: [{ value: { messages: [{ text: { body: '这个沙发多少钱？可以送货吗' } }] } }] }] }],
    [
      'accented Italian',
      {
        entry: [
          {
            changes: [
              {
                value: {
                  contacts: [{ profile: { name: 'Niccolò Perché' } }],
                  messages: [{ text: { body: 'Sì, è così: città, più, caffè' } }],
                },
              },
            ],
          },
        ],
      },
    ],
    [
      'Polish',
      {
        entry: [
          {
            changes: [
              {
                value: {
                  contacts: [{ profile: { name: 'Łukasz Wójcik' } }],
                  messages: [{ text: { body: 'Zażółć gęślą jaźń — ile kosztuje?' } }],
                },
              },
            ],
          },
        ],
      },
    ],
  ])('%s body', (_label, payload) => {
    const escaped = Buffer.from(toAsciiJson({ object: 'whatsapp_business_account', ...payload }));
    const header = signWebhookBody(escaped, secret);

    it('is signed over the ASCII-escaped bytes Meta sends, and verifies on exactly those bytes', () => {
      expect([...escaped].every((byte) => byte < 0x80)).toBe(true);
      expect(header).toBe(reference(escaped));
      expect(verifyWebhookSignature(escaped, header, [secret])).toBe(true);
    });

    it('fails once the body is re-serialised (unescaped UTF-8, other spacing)', () => {
      const reparsed: unknown = JSON.parse(escaped.toString('utf8'));
      expect(verifyWebhookSignature(Buffer.from(JSON.stringify(reparsed)), header, [secret])).toBe(false);
      expect(verifyWebhookSignature(Buffer.from(toAsciiJson(reparsed).replace(/,/g, ', ')), header, [secret])).toBe(false);
      expect(verifyWebhookSignature(Buffer.from(JSON.stringify(reparsed, null, 2)), header, [secret])).toBe(false);
    });

    it('fails with a wrong secret', () => {
      expect(verifyWebhookSignature(escaped, header, [`${secret}x`])).toBe(false);
      expect(verifyWebhookSignature(escaped, signWebhookBody(escaped, 'another-app'), [secret])).toBe(false);
    });
  });

  it('fails on missing or garbled headers', () => {
    const header = signWebhookBody(body, secret);
    const hex = header.slice('sha256='.length);
    for (const garbled of [
      '',
      'sha256=',
      hex,
      `sha256=${hex}0`,
      `sha256=${hex.slice(1)}`,
      `sha256=${'z'.repeat(64)}`,
      `sha256:${hex}`,
      `sha256=${hex},sha256=${hex}`,
      `sha1=${hex}`,
      'null',
    ]) {
      expect(verifyWebhookSignature(body, garbled, [secret])).toBe(false);
    }
    expect(verifyWebhookSignature(body, ` ${header} `, [secret])).toBe(true);
  });

  it('compares digests in constant time, for every configured secret', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      const header = signWebhookBody(body, secret);
      expect(verifyWebhookSignature(body, header, [secret, 'old-secret'])).toBe(true);
      expect(spy).toHaveBeenCalledTimes(2);
      for (const [received, expected] of spy.mock.calls) expect([received.byteLength, expected.byteLength]).toEqual([32, 32]);
    } finally {
      spy.mockRestore();
    }
  });
});
