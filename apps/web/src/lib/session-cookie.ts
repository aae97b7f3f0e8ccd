/** Name of the engine's session cookie (httpOnly; set by POST /api/auth/login). */
export const SESSION_COOKIE = 'parley_session';
