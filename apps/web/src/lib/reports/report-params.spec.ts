import { engineQuery, pageQuery, readReportParams } from './report-params';

describe('report parameters: the tag filter', () => {
  const now = new Date('2026-03-16T12:00:00Z');

  it('reads a trimmed tag, drops an empty or overlong one', () => {
    expect(readReportParams({ tag: '  vip ' }, now).tag).toBe('vip');
    expect(readReportParams({ tag: '   ' }, now).tag).toBeNull();
    expect(readReportParams({ tag: 'x'.repeat(101) }, now).tag).toBeNull();
  });

  it('passes the tag to the engine unless the figures are not kept per tag, and keeps it in links', () => {
    const params = readReportParams({ from: '2026-03-09', to: '2026-03-15', tag: 'vip' }, now);
    expect(new URLSearchParams(engineQuery(params)).get('tag')).toBe('vip');
    expect(new URLSearchParams(engineQuery(params, { by: 'template' }, false)).get('tag')).toBeNull();
    expect(new URLSearchParams(pageQuery(params)).get('tag')).toBe('vip');
  });
});
