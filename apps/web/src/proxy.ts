import { NextResponse, type NextRequest } from 'next/server';
import { CURRENT_PATH_HEADER } from '@/lib/current-path-header';
import { loginPath } from '@/lib/login-path';
import { SESSION_COOKIE } from '@/lib/session-cookie';

const PUBLIC_PATHS = new Set(['/login']);

/**
 * Sends visitors without a session straight to the login page, before any
 * page renders, and tells server components which page is being rendered.
 * The engine stays the authority: a cookie that is present but expired is
 * caught when the page asks the engine for data.
 */
export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  const path = `${pathname}${search}`;
  if (!PUBLIC_PATHS.has(pathname) && !request.cookies.has(SESSION_COOKIE)) {
    return NextResponse.redirect(new URL(loginPath(path), request.url));
  }
  const headers = new Headers(request.headers);
  headers.set(CURRENT_PATH_HEADER, path);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Not the /api proxy (the engine answers 401 itself) and not static assets.
  matcher: ['/((?!api/|_next/static/|_next/image|favicon.ico|icon.svg|robots.txt).*)'],
};
