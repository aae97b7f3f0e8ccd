import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { maskSecrets } from '../common/call-log';
import { formParameters, readBody, sendEmpty, sendJson, sendRedirect, SimHttpError } from '../common/http-kit';
import type { SalesforceCore } from './salesforce-core';
import { API_USER_ID, ORG_ID } from './salesforce-store';

function oauthError(error: string, description: string): SimHttpError {
  return new SimHttpError(400, { error, error_description: description });
}

/**
 * Salesforce's OAuth endpoints on the login host (here the same server):
 * token (authorization code, refresh token, username-password and client
 * credentials), revoke, and an auto-approving authorize page. The token answer
 * has the `instance_url` every API call goes to, and no `expires_in`.
 */
export async function salesforceOauthRoute(
  core: SalesforceCore,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  holder: { body: unknown },
): Promise<boolean> {
  const { oauth } = core.options;
  if (url.pathname === '/services/oauth2/token') {
    if (request.method !== 'POST') throw oauthError('invalid_request', 'must use HTTP POST');
    const parameters = formParameters(await readBody(request, 64 * 1024), url);
    holder.body = maskSecrets(parameters);
    if (parameters.get('client_id') !== oauth.clientId) throw oauthError('invalid_client_id', 'client identifier invalid');
    if (parameters.get('client_secret') !== oauth.clientSecret) throw oauthError('invalid_client', 'invalid client credentials');
    const grant = parameters.get('grant_type');
    let refreshToken: string | null = null;
    switch (grant) {
      case 'refresh_token':
        if (core.tokens.subjectOfRefreshToken(parameters.get('refresh_token') ?? '') === null)
          throw oauthError('invalid_grant', 'expired access/refresh token');
        break;
      case 'authorization_code': {
        const subject = core.tokens.redeemCode(parameters.get('code') ?? '');
        if (subject === null) throw oauthError('invalid_grant', 'invalid authorization code');
        refreshToken = core.tokens.newRefreshToken(subject);
        break;
      }
      case 'password':
        if (oauth.username === null || parameters.get('username') !== oauth.username || parameters.get('password') !== oauth.password) {
          throw oauthError('invalid_grant', 'authentication failure');
        }
        break;
      case 'client_credentials':
        break;
      default:
        throw oauthError('unsupported_grant_type', 'grant type not supported');
    }
    const issuedAt = String(core.now());
    const id = `${core.baseUrl}/id/${ORG_ID}/${API_USER_ID}`;
    const issued = core.tokens.issueAccessToken('default', core.now());
    sendJson(response, 200, {
      access_token: issued.token,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      signature: createHmac('sha256', oauth.clientSecret).update(`${id}${issuedAt}`).digest('base64'),
      scope: 'api refresh_token',
      instance_url: core.baseUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    });
    return true;
  }
  if (url.pathname === '/services/oauth2/revoke') {
    const parameters = formParameters(await readBody(request, 64 * 1024), url);
    const token = parameters.get('token') ?? '';
    if (!core.tokens.revokeRefreshToken(token) && !core.tokens.revokeAccessToken(token))
      throw oauthError('unsupported_token_type', 'this token type is not supported');
    sendEmpty(response, 200);
    return true;
  }
  if (url.pathname === '/services/oauth2/authorize') {
    const redirect = url.searchParams.get('redirect_uri');
    if (url.searchParams.get('client_id') !== oauth.clientId || !redirect || !/^https?:\/\//.test(redirect))
      throw oauthError('invalid_client_id', 'client identifier invalid');
    // The consent screen approves at once (there is no user to ask).
    const target = new URL(redirect);
    target.searchParams.set('code', core.tokens.newAuthorizationCode());
    const state = url.searchParams.get('state');
    if (state !== null) target.searchParams.set('state', state);
    sendRedirect(response, target.toString());
    return true;
  }
  return false;
}
