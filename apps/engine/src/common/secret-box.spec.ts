import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips a secret and never stores it in clear', () => {
    const sealed = box.seal('EAAG-token-ü', 'row-1');
    expect(sealed).not.toContain('EAAG');
    expect(box.open(sealed, 'row-1')).toBe('EAAG-token-ü');
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same', 'row-1')).not.toBe(box.seal('same', 'row-1'));
  });

  it('refuses another context, another key or a tampered value', () => {
    const sealed = box.seal('secret', 'row-1');
    expect(() => box.open(sealed, 'row-2')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'row-1')).toThrow();
    const parts = sealed.split(':');
    const ciphertext = Buffer.from(parts[3] ?? '', 'base64url');
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
    expect(() => box.open([parts[0], parts[1], parts[2], ciphertext.toString('base64url')].join(':'), 'row-1')).toThrow();
    expect(() => box.open('garbage', 'row-1')).toThrow('unknown format');
  });

  it('requires a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow('32-byte');
  });
});
