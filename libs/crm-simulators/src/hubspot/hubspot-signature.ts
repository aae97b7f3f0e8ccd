import { createHmac } from 'node:crypto';

/**
 * HubSpot's v3 request signature: base64 of HMAC-SHA256, keyed with the app's
 * client secret, over method + URI + body + timestamp (the
 * X-HubSpot-Request-Timestamp header, epoch milliseconds).
 */
export function hubSpotSignatureV3(clientSecret: string, method: string, uri: string, body: string, timestamp: string): string {
  return createHmac('sha256', clientSecret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');
}
