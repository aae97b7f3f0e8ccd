import type { GraphTarget } from './graph-client';
import { closedPortUrl, GraphTestServer, json } from './graph-test-server.spec-helper';
import { markMessageRead } from './mark-message-read';

describe('markMessageRead against a local Graph API', () => {
  const graph = new GraphTestServer();
  let target: GraphTarget;

  beforeAll(async () => {
    await graph.start();
    target = { baseUrl: graph.baseUrl, apiVersion: 'v24.0', phoneNumberId: '106540352242922', accessToken: 'EAAG-token', timeoutMs: 300 };
  });
  afterAll(() => graph.stop());

  it('posts status "read" for the wamid to the number’s messages endpoint', async () => {
    graph.handler = (_request, response) => json(response, 200, { success: true });
    expect(await markMessageRead(target, 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0')).toEqual({ kind: 'ok' });
    const request = graph.seen.at(-1);
    expect(request).toMatchObject({ method: 'POST', authorization: 'Bearer EAAG-token' });
    expect(request?.url.pathname).toBe('/v24.0/106540352242922/messages');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0',
    });
  });

  it('adds the typing indicator when asked', async () => {
    graph.handler = (_request, response) => json(response, 200, { success: true });
    expect(await markMessageRead(target, 'wamid.X', { typing: true })).toEqual({ kind: 'ok' });
    expect(JSON.parse(graph.seen.at(-1)?.body ?? '')).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.X',
      typing_indicator: { type: 'text' },
    });
  });

  it('is rejected with Meta’s code for an error envelope', async () => {
    graph.handler = (_request, response) =>
      json(response, 400, {
        error: {
          message: '(#100) Invalid parameter',
          type: 'OAuthException',
          code: 100,
          error_data: { messaging_product: 'whatsapp', details: 'Invalid message_id' },
          fbtrace_id: 'F',
        },
      });
    expect(await markMessageRead(target, 'wamid.bad')).toEqual({ kind: 'rejected', code: 100, message: '(#100) Invalid parameter' });
  });

  it('is unknown after the timeout when the server never answers, and for a 200 without success', async () => {
    graph.handler = () => undefined;
    expect((await markMessageRead(target, 'wamid.slow')).kind).toBe('unknown');
    graph.handler = (_request, response) => json(response, 200, { success: false });
    expect((await markMessageRead(target, 'wamid.odd')).kind).toBe('unknown');
  });

  it('is not_sent when the connection is refused', async () => {
    expect(await markMessageRead({ ...target, baseUrl: await closedPortUrl() }, 'wamid.X')).toEqual({
      kind: 'not_sent',
      reason: 'ECONNREFUSED',
    });
  });
});
