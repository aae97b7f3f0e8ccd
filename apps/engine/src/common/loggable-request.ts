/** Path segments that are secrets: an incoming webhook's token is its only credential. */
const SECRET_SEGMENTS = /^\/hooks\/[^/]+/;

/**
 * A URL as the request log keeps it: secret path segments and every query
 * value hidden (a search is often a customer's number or name), the query's
 * parameter names kept so the operator sees what was asked.
 */
export function loggableUrl(url: string): string {
  const mark = url.indexOf('?');
  const path = (mark === -1 ? url : url.slice(0, mark)).replace(SECRET_SEGMENTS, '/hooks/[redacted]');
  if (mark === -1) return path;
  const names = [...new Set(new URLSearchParams(url.slice(mark + 1)).keys())];
  return names.length === 0 ? path : `${path}?${names.map((name) => `${encodeURIComponent(name)}=[redacted]`).join('&')}`;
}

/** pino-http's serialized request without what may carry data or secrets: the query and route parameters; the URL masked. */
export function loggableRequest(request: Record<string, unknown>): Record<string, unknown> {
  const kept = Object.fromEntries(Object.entries(request).filter(([key]) => key !== 'query' && key !== 'params'));
  const url = request['url'];
  return typeof url === 'string' ? { ...kept, url: loggableUrl(url) } : kept;
}
