// The WhatsApp Cloud API as the systems see it: `POST /{version}/{phone-number-id}/messages`
// with a Bearer token, answered the way Meta answers (a wamid for a send,
// `{"success": true}` for a read receipt, an empty list for the account's
// message templates, an error envelope otherwise). It
// keeps nothing but the arrival time of each send by recipient (wa_id), so a
// send is checked by customer and timed the moment its body has arrived.
//
// Why not the project's simulator: it records full messages, answers with
// status webhooks (sent, delivered, read) that only Parley would then process,
// and exists only for Parley's tests; this sink costs the same for every
// system under test and adds no work to any of them.

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { freePort } from '../engine/bench-lib.mjs';

const PATH = /^\/(v\d+\.\d+)\/([0-9]+)\/messages$/;
const TEMPLATES = /^\/(v\d+\.\d+)\/([0-9]+)\/message_templates(\?.*)?$/;

function metaError(res, status, code, message) {
  const body = JSON.stringify({
    error: { message, type: code === 190 ? 'OAuthException' : 'GraphMethodException', code, fbtrace_id: randomBytes(8).toString('hex') },
  });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Starts the sink on 127.0.0.1 (a free port). `expect`: { apiVersion,
 * phoneNumberId, accessToken, replyText }; a send with any other token,
 * number or text is answered with Meta's error and counted as a problem.
 */
export async function startSink(expect) {
  /** wa_id -> arrival times (performance.now() ms) of each send to it. */
  const arrivals = new Map();
  const listeners = new Set();
  const problems = [];
  let reads = 0;
  let templateReads = 0;
  let sends = 0;
  const wamidPrefix = `wamid.HBgL${randomBytes(6).toString('hex')}`;

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const at = performance.now();
      // Parley reads the account's message templates at start; the scenario uses none.
      if (req.method === 'GET' && TEMPLATES.test(req.url ?? '') && req.headers.authorization === `Bearer ${expect.accessToken}`) {
        templateReads += 1;
        const empty = '{"data":[],"paging":{"cursors":{}}}';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': empty.length });
        res.end(empty);
        return;
      }
      const route = PATH.exec(req.url ?? '');
      if (req.method !== 'POST' || !route) {
        problems.push(`${req.method} ${req.url}: not the messages endpoint`);
        metaError(res, 404, 100, 'Unsupported request');
        return;
      }
      if (req.headers.authorization !== `Bearer ${expect.accessToken}`) {
        problems.push(`${req.url}: wrong or missing Bearer token`);
        metaError(res, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
        return;
      }
      if (route[1] !== expect.apiVersion || route[2] !== expect.phoneNumberId) {
        problems.push(`${req.url}: not /${expect.apiVersion}/${expect.phoneNumberId}/messages`);
        metaError(res, 400, 100, 'Unsupported post request');
        return;
      }
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        problems.push(`${req.url}: body is not JSON`);
        metaError(res, 400, 100, 'Invalid parameter');
        return;
      }
      if (body?.messaging_product === 'whatsapp' && body.status === 'read' && typeof body.message_id === 'string') {
        reads += 1;
        const ok = '{"success":true}';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': ok.length });
        res.end(ok);
        return;
      }
      const to = body?.to;
      if (body?.messaging_product !== 'whatsapp' || typeof to !== 'string' || body.type !== 'text' || typeof body.text?.body !== 'string') {
        problems.push(`${req.url}: not a WhatsApp text send: ${JSON.stringify(body).slice(0, 200)}`);
        metaError(res, 400, 100, 'Invalid parameter');
        return;
      }
      if (body.text.body !== expect.replyText)
        problems.push(`send to ${to} has another text: ${JSON.stringify(body.text.body).slice(0, 120)}`);
      sends += 1;
      const list = arrivals.get(to);
      if (list) list.push(at);
      else arrivals.set(to, [at]);
      const answer = JSON.stringify({
        messaging_product: 'whatsapp',
        contacts: [{ input: to, wa_id: to }],
        messages: [{ id: `${wamidPrefix}${sends.toString(16).padStart(10, '0')}` }],
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
      for (const listener of listeners) listener(to, at);
    });
  });
  server.keepAliveTimeout = 60_000;
  const listenPort = await freePort();
  await new Promise((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    arrivals,
    problems,
    counts: () => ({ sends, reads, templateReads }),
    /** Calls `fn(waId, atMs)` on every send. */
    onSend(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
