import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendGraphMessage, type GraphTarget } from './graph-client';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

describe('sendGraphMessage against a local Graph API', () => {
  let server: Server;
  let handler: Handler = () => undefined;
  let target: GraphTarget;
  const seen: { method?: string; url?: string; auth?: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method, url: request.url, auth: request.headers.authorization, body });
        handler(request, body, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? (address satisfies AddressInfo).port : 0;
    target = {
      baseUrl: `http://127.0.0.1:${port}/`,
      apiVersion: 'v24.0',
      phoneNumberId: '106540352242922',
      accessToken: 'EAAG-token',
      timeoutMs: 300,
    };
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function reply(status: number, body: unknown): Handler {
    return (_request, _body, response) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
  }

  it('posts to /{version}/{phone_number_id}/messages with a Bearer token and reads wamid and wa_id', async () => {
    handler = reply(200, {
      messaging_product: 'whatsapp',
      contacts: [{ input: '+5511999999999', wa_id: '551199999999' }],
      messages: [{ id: 'wamid.OK', message_status: 'accepted' }],
    });
    const result = await sendGraphMessage(target, {
      messaging_product: 'whatsapp',
      to: '+5511999999999',
      type: 'text',
      text: { body: 'hi' },
    });
    expect(result).toEqual({ kind: 'accepted', wamid: 'wamid.OK', waId: '551199999999', messageStatus: 'accepted' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/v24.0/106540352242922/messages', auth: 'Bearer EAAG-token' });
    expect(JSON.parse(seen.at(-1)?.body ?? '{}')).toMatchObject({ to: '+5511999999999', text: { body: 'hi' } });
  });

  it('parses the Graph error envelope by code', async () => {
    handler = reply(400, {
      error: {
        message: '(#131047) Re-engagement message',
        type: 'OAuthException',
        code: 131047,
        error_data: { messaging_product: 'whatsapp', details: 'More than 24 hours' },
        fbtrace_id: 'Abc',
      },
    });
    expect(await sendGraphMessage(target, {})).toEqual({
      kind: 'rejected',
      httpStatus: 400,
      code: 131047,
      message: '(#131047) Re-engagement message',
      details: 'More than 24 hours',
      fbtraceId: 'Abc',
    });
  });

  it('treats a timeout as an unknown outcome', async () => {
    handler = () => undefined;
    const result = await sendGraphMessage(target, {});
    expect(result.kind).toBe('unknown');
  });

  it('treats a 5xx without an envelope as an unknown outcome, and a 200 without an id too', async () => {
    handler = reply(502, '<html>bad gateway</html>');
    expect((await sendGraphMessage(target, {})).kind).toBe('unknown');
    handler = reply(200, { messages: [] });
    expect(await sendGraphMessage(target, {})).toEqual({ kind: 'unknown', reason: 'HTTP 200 without a message id' });
  });

  it('knows a refused connection never reached Meta', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await sendGraphMessage({ ...target, baseUrl: `http://127.0.0.1:${port}` }, {})).toEqual({
      kind: 'not_sent',
      reason: 'ECONNREFUSED',
    });
  });
});
