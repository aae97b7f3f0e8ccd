/**
 * Request header through which `proxy.ts` tells server components which page
 * is being rendered: layouts do not receive the path, and a session that
 * expires must send the user back to where they were after signing in again.
 */
export const CURRENT_PATH_HEADER = 'x-parley-path';
