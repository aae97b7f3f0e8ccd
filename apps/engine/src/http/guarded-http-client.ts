import type { HttpResult } from '@parley/node-sdk';
import ipaddr from 'ipaddr.js';
import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

/** Responses larger than this are cut off (the step fails rather than filling memory). */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface HttpCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
}

function allowListed(host: string, address: string, allowList: readonly string[]): boolean {
  const parsed = ipaddr.parse(address);
  return allowList.some((entry) => {
    if (entry.toLowerCase() === host.toLowerCase()) return true;
    try {
      if (entry.includes('/')) {
        const [range, bits] = ipaddr.parseCIDR(entry);
        return parsed.kind() === range.kind() && parsed.match(range, bits);
      }
      return ipaddr.parse(entry).toNormalizedString() === parsed.toNormalizedString();
    } catch {
      return false;
    }
  });
}

/** Only public unicast addresses are reachable by default: no loopback, private, link-local, metadata... */
function isPublic(address: string): boolean {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && 'isIPv4MappedAddress' in parsed && parsed.isIPv4MappedAddress()) parsed = parsed.toIPv4Address();
  return parsed.range() === 'unicast';
}

function read(response: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        response.destroy(new Error(`the response is larger than ${MAX_RESPONSE_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
  });
}

/**
 * Outbound HTTP for flows, safe against server-side request forgery: the
 * host is resolved first, every address must be public (or allow-listed), and
 * the connection goes to the address that was checked, so a DNS answer that
 * changes between check and connect (rebinding) cannot slip through.
 */
export async function guardedHttpRequest(call: HttpCall, allowList: readonly string[]): Promise<HttpResult> {
  let url: URL;
  try {
    url = new URL(call.url);
  } catch {
    return { ok: false, errorCode: 'invalid_url', errorMessage: `"${call.url}" is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, errorCode: 'invalid_url', errorMessage: `only http and https are allowed (got ${url.protocol})` };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  } catch (error) {
    return {
      ok: false,
      errorCode: 'network',
      errorMessage: `cannot resolve ${host}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const refused = addresses.find((a) => !isPublic(a.address) && !allowListed(host, a.address, allowList));
  if (refused || addresses.length === 0) {
    return {
      ok: false,
      errorCode: 'blocked_target',
      errorMessage: `${host} resolves to ${refused?.address ?? 'nothing'}, a private or local address; an admin can allow it in the workspace settings`,
    };
  }
  const target = addresses[0];
  if (!target) return { ok: false, errorCode: 'network', errorMessage: `cannot resolve ${host}` };
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (typeof options === 'object' && options !== null && 'all' in options && options.all === true) {
      callback(null, [{ address: target.address, family: target.family }]);
    } else {
      callback(null, target.address, target.family);
    }
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<HttpResult>((resolve) => {
    const request = send(
      url,
      { method: call.method, headers: { 'user-agent': 'Parley/0.1 (+flows)', ...call.headers }, lookup: pinned, timeout: call.timeoutMs },
      (response) => {
        read(response).then(
          (raw) => {
            const text = raw.toString('utf8');
            let body: unknown = text;
            if ((response.headers['content-type'] ?? '').includes('json')) {
              try {
                body = JSON.parse(text);
              } catch {
                body = text;
              }
            }
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') headers[name] = value;
            resolve({ ok: true, status: response.statusCode ?? 0, headers, body });
          },
          (error: unknown) =>
            resolve({ ok: false, errorCode: 'network', errorMessage: error instanceof Error ? error.message : String(error) }),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) =>
      resolve(
        error.message === 'timeout'
          ? { ok: false, errorCode: 'timeout', errorMessage: `no answer within ${call.timeoutMs} ms` }
          : { ok: false, errorCode: 'network', errorMessage: error.message },
      ),
    );
    if (call.body !== null) request.write(call.body);
    request.end();
  });
}
