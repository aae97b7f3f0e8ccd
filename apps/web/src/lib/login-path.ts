/** The login page, remembering which page to return to. */
export function loginPath(currentPath: string | null | undefined): string {
  if (!currentPath || currentPath === '/' || currentPath.startsWith('/login')) return '/login';
  return `/login?next=${encodeURIComponent(currentPath)}`;
}
