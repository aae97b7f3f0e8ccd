import { engineFilter, explorerQuery, readExplorerFilter } from './explorer-filter';

describe('explorer filter', () => {
  const now = new Date('2026-03-02T12:00:00Z');

  it('reads the address, ignoring unknown keys and repeated values', () => {
    const filter = readExplorerFilter({ status: 'failed', errorCode: ['131047', 'x'], other: 'y' });
    expect(filter).toMatchObject({ status: 'failed', errorCode: '131047', flowId: '' });
  });

  it('turns a preset into a start time and a custom range into both bounds', () => {
    expect(engineFilter(readExplorerFilter({ range: '24h', status: 'failed' }), now)).toEqual({
      status: 'failed',
      from: '2026-03-01T12:00:00.000Z',
    });
    expect(engineFilter(readExplorerFilter({ range: 'custom', from: '2026-03-01T09:00', to: 'garbage' }), now)).toEqual({
      from: '2026-03-01T09:00:00.000Z',
    });
    expect(engineFilter(readExplorerFilter({ stuck: 'yes' }), now)).toEqual({});
  });

  it('reads custom times and "today" / "this week" in the workspace’s time zone', () => {
    expect(
      engineFilter(readExplorerFilter({ range: 'custom', from: '2026-03-01T09:00', to: '2026-03-02T09:00' }), now, 'Europe/Rome'),
    ).toEqual({
      from: '2026-03-01T08:00:00.000Z',
      to: '2026-03-02T08:00:00.000Z',
    });
    // An ISO time with its own offset (a shared link) keeps it.
    expect(engineFilter(readExplorerFilter({ range: 'custom', from: '2026-03-01T09:00:00Z' }), now, 'Europe/Rome')).toEqual({
      from: '2026-03-01T09:00:00.000Z',
    });
    expect(engineFilter(readExplorerFilter({ range: 'today' }), now, 'Europe/Rome')).toEqual({ from: '2026-03-01T23:00:00.000Z' });
    // 2 March 2026 is a Monday.
    expect(engineFilter(readExplorerFilter({ range: 'week' }), new Date('2026-03-05T12:00:00Z'), 'Asia/Shanghai')).toEqual({
      from: '2026-03-01T16:00:00.000Z',
    });
  });

  it('writes a shareable query with only the fields set', () => {
    expect(explorerQuery({ status: 'failed', errorCode: '131026', contact: '' })).toBe('status=failed&errorCode=131026');
  });
});
