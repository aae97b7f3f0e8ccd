import { randomUUID } from 'node:crypto';
import { formParameters, readBody, sendEmpty, sendJson, sendRedirect, SimHttpError } from '../common/http-kit';
import type { RouteContext } from './hubspot-object-routes';

function oauthError(status: string, message: string, httpStatus = 400): SimHttpError {
  return new SimHttpError(httpStatus, { status, message, correlationId: randomUUID() });
}

const SCOPES = ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.deals.read', 'crm.objects.deals.write', 'oauth'];

/** HubSpot's OAuth endpoints: token (code and refresh grants), token metadata, and an auto-approving authorize page. */
export async function oauthRoute(context: RouteContext): Promise<boolean> {
  const { core, request, response, url, path } = context;
  const oauth = core.options.oauth;

  if (/^\/oauth\/(v1|v3|\d{4}-\d{2})\/token$/.test(path)) {
    if (request.method !== 'POST') throw oauthError('BAD_REQUEST', 'The token endpoint takes POST', 405);
    const parameters = formParameters(await readBody(request, 64 * 1024), url);
    context.holder.body = Object.fromEntries(
      [...parameters].map(([key, value]) => [key, key.includes('secret') || key === 'refresh_token' || key === 'code' ? '***' : value]),
    );
    if (!oauth) throw oauthError('BAD_CLIENT_ID', 'This portal has no OAuth app configured');
    const grant = parameters.get('grant_type');
    if (parameters.get('client_id') !== oauth.clientId) throw oauthError('BAD_CLIENT_ID', 'missing or unknown client id');
    if (parameters.get('client_secret') !== oauth.clientSecret) throw oauthError('BAD_CLIENT_SECRET', 'missing or invalid client secret');
    let refreshToken: string;
    if (grant === 'refresh_token') {
      refreshToken = parameters.get('refresh_token') ?? '';
      if (core.tokens.subjectOfRefreshToken(refreshToken) === null)
        throw oauthError('BAD_REFRESH_TOKEN', 'missing or unknown refresh token');
    } else if (grant === 'authorization_code') {
      const code = parameters.get('code') ?? '';
      if (!parameters.get('redirect_uri')) throw oauthError('BAD_REDIRECT_URI', 'missing redirect_uri');
      const subject = core.tokens.redeemCode(code);
      if (subject === null) throw oauthError('BAD_AUTH_CODE', 'missing or unknown auth code');
      refreshToken = core.tokens.newRefreshToken(subject);
    } else {
      throw oauthError('BAD_GRANT_TYPE', 'grant_type must be authorization_code or refresh_token');
    }
    const issued = core.tokens.issueAccessToken('oauth', core.now());
    sendJson(response, 200, {
      token_type: 'bearer',
      refresh_token: refreshToken,
      access_token: issued.token,
      expires_in: Math.round(core.tokens.accessTtlMs / 1000),
    });
    return true;
  }

  let match = /^\/oauth\/v1\/access-tokens\/([^/]+)$/.exec(path);
  if (match?.[1]) {
    const check = core.tokens.check(decodeURIComponent(match[1]), core.now());
    if (check.state !== 'valid') throw oauthError('BAD_ACCESS_TOKEN', 'access token is expired or unknown', 404);
    sendJson(response, 200, {
      token: match[1],
      user: 'simulated.user@example.com',
      hub_domain: `portal-${core.options.portalId}.example.com`,
      scopes: SCOPES,
      hub_id: core.options.portalId,
      app_id: core.options.appId,
      expires_in: Math.round(core.tokens.accessTtlMs / 1000),
      user_id: 1_000_001,
      token_type: 'access',
    });
    return true;
  }

  match = /^\/oauth\/v1\/refresh-tokens\/([^/]+)$/.exec(path);
  if (match?.[1]) {
    const token = decodeURIComponent(match[1]);
    if (core.tokens.subjectOfRefreshToken(token) === null) throw oauthError('BAD_REFRESH_TOKEN', 'missing or unknown refresh token', 404);
    if (request.method === 'DELETE') {
      core.tokens.revokeRefreshToken(token);
      sendEmpty(response, 204);
      return true;
    }
    sendJson(response, 200, {
      token,
      user: 'simulated.user@example.com',
      hub_id: core.options.portalId,
      scopes: SCOPES,
      client_id: oauth?.clientId ?? null,
      user_id: 1_000_001,
      token_type: 'refresh',
    });
    return true;
  }

  if (path === '/oauth/authorize') {
    // The install screen approves at once (there is no user to ask) and sends the browser back with a code.
    const redirect = url.searchParams.get('redirect_uri');
    if (!oauth || url.searchParams.get('client_id') !== oauth.clientId || !redirect || !/^https?:\/\//.test(redirect)) {
      throw oauthError('BAD_CLIENT_ID', 'unknown client_id or missing redirect_uri');
    }
    const target = new URL(redirect);
    target.searchParams.set('code', core.tokens.newAuthorizationCode('oauth'));
    const state = url.searchParams.get('state');
    if (state !== null) target.searchParams.set('state', state);
    sendRedirect(response, target.toString());
    return true;
  }
  return false;
}
