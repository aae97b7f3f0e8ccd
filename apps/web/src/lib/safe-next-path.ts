const FALLBACK = '/flows';
const ORIGIN = 'http://parley.invalid';

/**
 * The page to open after signing in. Only a path on this site is accepted, so a
 * crafted link cannot send a user who just signed in to another origin.
 */
export function safeNextPath(value: string | string[] | null | undefined): string {
  const candidate = Array.isArray(value) ? value[0] : value;
  if (typeof candidate !== 'string' || !candidate.startsWith('/') || candidate.startsWith('//') || candidate.includes('\\')) {
    return FALLBACK;
  }
  let url: URL;
  try {
    url = new URL(candidate, ORIGIN);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== ORIGIN) return FALLBACK;
  // Going back to the login page or to a raw API answer would be a dead end.
  if (url.pathname === '/login' || url.pathname.startsWith('/login/') || url.pathname === '/api' || url.pathname.startsWith('/api/')) {
    return FALLBACK;
  }
  return `${url.pathname}${url.search}${url.hash}`;
}
