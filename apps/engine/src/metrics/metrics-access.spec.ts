import { isLoopback, metricsAccess } from './metrics-access';

describe('metrics access', () => {
  it('recognises loopback addresses, IPv4-mapped ones too', () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.1.2.3'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '192.168.1.1', '', undefined].map(isLoopback)).toEqual([false, false, false, false, false]);
  });

  it('without a token, answers this machine only', () => {
    expect(metricsAccess(undefined, undefined, '127.0.0.1')).toBe('allowed');
    expect(metricsAccess(undefined, 'Bearer anything', '10.1.2.3')).toBe('not_local');
  });

  it('with a token, wants exactly that bearer token, from anywhere', () => {
    const token = 'a-long-metrics-token-123';
    expect(metricsAccess(token, `Bearer ${token}`, '10.1.2.3')).toBe('allowed');
    expect(metricsAccess(token, undefined, '127.0.0.1')).toBe('no_token');
    expect(metricsAccess(token, `Bearer ${token}x`, '127.0.0.1')).toBe('wrong_token');
    expect(metricsAccess(token, `Basic ${token}`, '127.0.0.1')).toBe('no_token');
  });
});
