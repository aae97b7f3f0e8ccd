import { zohoChannelIdentity, zohoNotificationGenuine } from './zoho-channel-identity';

describe('zohoChannelIdentity', () => {
  const key = Buffer.alloc(32, 7);

  it('is stable per connection, fits Zoho (numeric id, token ≤ 50) and differs between connections and keys', () => {
    const one = zohoChannelIdentity('c-1', key);
    expect(zohoChannelIdentity('c-1', key)).toEqual(one);
    expect(one.channelId).toMatch(/^\d{1,19}$/);
    expect(Number(one.channelId)).toBeLessThan(2 ** 53);
    expect(one.token.length).toBeLessThanOrEqual(50);
    expect(zohoChannelIdentity('c-2', key).token).not.toBe(one.token);
    expect(zohoChannelIdentity('c-1', Buffer.alloc(32, 8)).token).not.toBe(one.token);
  });

  it('accepts only the connection’s own channel and token', () => {
    const one = zohoChannelIdentity('c-1', key);
    expect(zohoNotificationGenuine(one, one.channelId, one.token)).toBe(true);
    expect(zohoNotificationGenuine(one, Number(one.channelId), one.token)).toBe(true);
    expect(zohoNotificationGenuine(one, one.channelId, `${one.token}x`)).toBe(false);
    expect(zohoNotificationGenuine(one, one.channelId, zohoChannelIdentity('c-2', key).token)).toBe(false);
    expect(zohoNotificationGenuine(one, '1', one.token)).toBe(false);
    expect(zohoNotificationGenuine(one, one.channelId, null)).toBe(false);
  });
});
