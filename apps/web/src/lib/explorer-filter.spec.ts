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

  it('writes a shareable query with only the fields set', () => {
    expect(explorerQuery({ status: 'failed', errorCode: '131026', contact: '' })).toBe('status=failed&errorCode=131026');
  });
});
