import { loggableRequest, loggableUrl } from './loggable-request';

describe('request log masking', () => {
  it('hides query values and incoming-webhook tokens, keeping the path and parameter names', () => {
    expect(loggableUrl('/api/contacts?search=%2B393331234567&limit=20')).toBe('/api/contacts?search=[redacted]&limit=[redacted]');
    expect(loggableUrl('/hooks/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed.abcdef')).toBe('/hooks/[redacted]');
    expect(loggableUrl('/hooks/x.y?a=1')).toBe('/hooks/[redacted]?a=[redacted]');
    expect(loggableUrl('/api/flows/1')).toBe('/api/flows/1');
    expect(loggableUrl('/api/flows?')).toBe('/api/flows');
  });

  it('drops the parsed query and route parameters', () => {
    expect(
      loggableRequest({
        id: 1,
        method: 'GET',
        url: '/api/contacts?search=ada',
        query: { search: 'ada' },
        params: { path: ['x'] },
        headers: {},
      }),
    ).toEqual({ id: 1, method: 'GET', url: '/api/contacts?search=[redacted]', headers: {} });
  });
});
