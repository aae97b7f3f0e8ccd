import { formParameters, readBody, sendJson, sendRedirect } from '../common/http-kit';
import { maskSecrets } from '../common/call-log';
import type { ZohoRouteContext } from './zoho-record-routes';

const SCOPE = 'ZohoCRM.modules.ALL ZohoCRM.settings.fields.READ ZohoCRM.notifications.ALL ZohoCRM.org.READ';

/**
 * Zoho Accounts for the org's data centre: the token endpoint (refresh and
 * grant-token exchange, answering errors with HTTP 200 and an `error` field
 * as Zoho does), revocation, and an auto-approving consent page.
 */
export async function zohoOauthRoute(context: ZohoRouteContext): Promise<boolean> {
  const { core, request, response, url, path } = context;
  const { oauth } = core.options;

  if (path === '/oauth/v2/token') {
    if (request.method !== 'POST') {
      sendJson(response, 200, { error: 'invalid_request' });
      return true;
    }
    const parameters = formParameters(await readBody(request, 64 * 1024), url);
    context.holder.body = maskSecrets(parameters);
    if (parameters.get('client_id') !== oauth.clientId || parameters.get('client_secret') !== oauth.clientSecret) {
      sendJson(response, 200, { error: 'invalid_client' });
      return true;
    }
    const grant = parameters.get('grant_type');
    let refreshToken: string | null = null;
    if (grant === 'refresh_token') {
      if (core.tokens.subjectOfRefreshToken(parameters.get('refresh_token') ?? '') === null) {
        sendJson(response, 200, { error: 'invalid_code' });
        return true;
      }
    } else if (grant === 'authorization_code') {
      const subject = core.tokens.redeemCode(parameters.get('code') ?? '');
      if (subject === null) {
        sendJson(response, 200, { error: 'invalid_code' });
        return true;
      }
      refreshToken = core.tokens.newRefreshToken(subject);
    } else {
      sendJson(response, 200, { error: 'unsupported_grant_type' });
      return true;
    }
    const issued = core.tokens.issueAccessToken('default', core.now());
    sendJson(response, 200, {
      access_token: issued.token,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      scope: SCOPE,
      api_domain: core.baseUrl,
      token_type: 'Bearer',
      expires_in: Math.round(core.tokens.accessTtlMs / 1000),
    });
    return true;
  }
  if (path === '/oauth/v2/token/revoke') {
    const parameters = formParameters(await readBody(request, 64 * 1024), url);
    const token = parameters.get('token') ?? '';
    const revoked = core.tokens.revokeRefreshToken(token) || core.tokens.revokeAccessToken(token);
    sendJson(response, 200, revoked ? { status: 'success' } : { error: 'invalid_token' });
    return true;
  }
  if (path === '/oauth/v2/auth') {
    const redirect = url.searchParams.get('redirect_uri');
    if (url.searchParams.get('client_id') !== oauth.clientId || !redirect || !/^https?:\/\//.test(redirect)) {
      sendJson(response, 400, { error: 'invalid_client' });
      return true;
    }
    // Consent is given at once (there is no user to ask); Zoho adds the data centre to the redirect.
    const target = new URL(redirect);
    target.searchParams.set('code', core.tokens.newAuthorizationCode());
    target.searchParams.set('location', core.options.dataCentre === 'com' ? 'us' : core.options.dataCentre);
    target.searchParams.set('accounts-server', core.baseUrl);
    const state = url.searchParams.get('state');
    if (state !== null) target.searchParams.set('state', state);
    sendRedirect(response, target.toString());
    return true;
  }
  return false;
}
