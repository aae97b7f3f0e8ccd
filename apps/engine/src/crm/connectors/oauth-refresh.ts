import type { CrmHttp, CrmHttpAnswer } from './crm-http';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/**
 * The OAuth 2 refresh-token grant as HubSpot, Salesforce and Zoho all take it
 * (a form POST to the CRM's token URL, no Authorization header). Each
 * connector reads its own answer: Salesforce adds the instance URL, Zoho the
 * API domain and refuses with HTTP 200 and {error}.
 */
export function requestRefreshedToken(http: CrmHttp, tokenUrl: string, client: OAuthClient): Promise<CrmHttpAnswer> {
  return http.request({
    method: 'POST',
    url: tokenUrl,
    anonymous: true,
    form: {
      grant_type: 'refresh_token',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      refresh_token: client.refreshToken,
    },
  });
}
