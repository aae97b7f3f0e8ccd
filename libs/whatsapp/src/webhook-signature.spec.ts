import { createHmac } from 'node:crypto';
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
});
