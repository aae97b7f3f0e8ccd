import { closedPortUrl, GraphTestServer, json } from './graph-test-server.spec-helper';
import { fetchMessageTemplates, type GraphAccountTarget } from './message-templates';

const WABA = '102290129340398';

/** Template objects as `GET /{waba_id}/message_templates` lists them. */
const ORDER_UPDATE = {
  name: 'order_update',
  parameter_format: 'POSITIONAL',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['#1234'] } },
    { type: 'BODY', text: 'Hi {{1}}, your order {{2}} ships on {{3}}.', example: { body_text: [['Ana', '#1234', 'Monday']] } },
    { type: 'FOOTER', text: 'Reply STOP to opt out' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'URL', text: 'Track', url: 'https://shop.example/track/{{1}}', example: ['https://shop.example/track/1234'] },
        { type: 'QUICK_REPLY', text: 'Stop updates' },
      ],
    },
  ],
  language: 'en_US',
  status: 'APPROVED',
  category: 'UTILITY',
  id: '594425479261596',
};
const SUMMER_SALE = {
  name: 'summer_sale',
  parameter_format: 'NAMED',
  components: [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvanBlZw==:ARb'] } },
    {
      type: 'BODY',
      text: 'Ciao {{first_name}}, {{discount}} di sconto su tutto!',
      example: {
        body_text_named_params: [
          { param_name: 'first_name', example: 'Ana' },
          { param_name: 'discount', example: '20%' },
        ],
      },
    },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'COPY_CODE', example: 'SUMMER20' },
        { type: 'URL', text: 'Shop', url: 'https://shop.example/' },
      ],
    },
  ],
  language: 'it',
  status: 'approved',
  category: 'marketing',
  id: '1146939546786325',
};
const REJECTED = {
  name: 'too_pushy',
  components: [{ type: 'BODY', text: 'Buy now!' }],
  language: 'pl',
  status: 'REJECTED',
  category: 'MARKETING',
  rejected_reason: 'PROMOTIONAL',
  id: '3',
};
const LOGIN_CODE = {
  name: 'login_code',
  components: [
    { type: 'BODY', text: '*{{1}}* is your verification code.', add_security_recommendation: true },
    { type: 'FOOTER', text: 'This code expires in 10 minutes.', code_expiration_minutes: 10 },
    { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
  ],
  language: 'en',
  status: 'APPROVED',
  category: 'AUTHENTICATION',
  rejected_reason: 'NONE',
  id: '4',
};

describe('fetchMessageTemplates against a local Graph API', () => {
  const graph = new GraphTestServer();
  let target: GraphAccountTarget;

  beforeAll(async () => {
    await graph.start();
    target = { baseUrl: `${graph.baseUrl}/`, apiVersion: 'v24.0', accessToken: 'EAAG-system-user', timeoutMs: 300 };
  });
  afterAll(() => graph.stop());
  beforeEach(() => {
    graph.seen.length = 0;
  });

  it('follows the cursors across three pages, with a Bearer token, and never follows paging.next to another host', async () => {
    const pages: Record<string, { data: unknown[]; after: string | null }> = {
      '': { data: [ORDER_UPDATE, SUMMER_SALE], after: 'QVFIUm1' },
      QVFIUm1: { data: [REJECTED], after: 'QVFIUm2' },
      QVFIUm2: { data: [LOGIN_CODE], after: null },
    };
    graph.handler = (request, response) => {
      const page = pages[request.url.searchParams.get('after') ?? ''];
      if (!page) return json(response, 400, { error: { message: '(#100) Invalid cursor', type: 'OAuthException', code: 100 } });
      json(response, 200, {
        data: page.data,
        paging: {
          cursors: { before: 'QVFIUmx', after: page.after ?? 'QVFIUmLAST' },
          ...(page.after ? { next: `https://graph.facebook.com/v24.0/${WABA}/message_templates?limit=100&after=${page.after}` } : {}),
        },
      });
    };
    const result = await fetchMessageTemplates(target, WABA);
    expect(graph.seen.map((r) => [r.method, r.url.pathname, r.url.searchParams.get('after'), r.authorization])).toEqual([
      ['GET', `/v24.0/${WABA}/message_templates`, null, 'Bearer EAAG-system-user'],
      ['GET', `/v24.0/${WABA}/message_templates`, 'QVFIUm1', 'Bearer EAAG-system-user'],
      ['GET', `/v24.0/${WABA}/message_templates`, 'QVFIUm2', 'Bearer EAAG-system-user'],
    ]);
    expect(graph.seen[0]?.url.searchParams.get('limit')).toBe('100');
    expect(graph.seen[0]?.url.searchParams.get('fields')?.split(',')).toEqual(
      expect.arrayContaining(['id', 'name', 'language', 'status', 'category', 'components', 'rejected_reason', 'parameter_format']),
    );
    expect(result).toEqual({
      kind: 'ok',
      templates: [
        {
          id: '594425479261596',
          name: 'order_update',
          language: 'en_US',
          category: 'UTILITY',
          status: 'APPROVED',
          rejectedReason: null,
          components: ORDER_UPDATE.components,
          parameterFormat: 'positional',
          parameters: { body: 3, header: 1, buttons: 1 },
        },
        {
          id: '1146939546786325',
          name: 'summer_sale',
          language: 'it',
          category: 'MARKETING',
          status: 'APPROVED',
          rejectedReason: null,
          components: SUMMER_SALE.components,
          parameterFormat: 'named',
          parameters: { body: 2, header: 1, buttons: 1 },
        },
        {
          id: '3',
          name: 'too_pushy',
          language: 'pl',
          category: 'MARKETING',
          status: 'REJECTED',
          rejectedReason: 'PROMOTIONAL',
          components: REJECTED.components,
          parameterFormat: 'positional',
          parameters: { body: 0, header: 0, buttons: 0 },
        },
        {
          id: '4',
          name: 'login_code',
          language: 'en',
          category: 'AUTHENTICATION',
          status: 'APPROVED',
          rejectedReason: null,
          components: LOGIN_CODE.components,
          parameterFormat: 'positional',
          parameters: { body: 1, header: 0, buttons: 1 },
        },
      ],
    });
  });

  it('takes the cursor from paging.next when cursors are missing', async () => {
    graph.handler = (request, response) =>
      request.url.searchParams.get('after') === 'NEXT2'
        ? json(response, 200, { data: [REJECTED], paging: {} })
        : json(response, 200, {
            data: [ORDER_UPDATE],
            paging: { next: `https://graph.facebook.com/v24.0/${WABA}/message_templates?after=NEXT2&limit=100` },
          });
    const result = await fetchMessageTemplates(target, WABA);
    expect(result.kind === 'ok' ? result.templates.map((t) => t.name) : result).toEqual(['order_update', 'too_pushy']);
  });

  it('answers rejected with Meta’s code for an error envelope, also on a later page (never a partial list)', async () => {
    graph.handler = (_request, response) =>
      json(response, 401, {
        error: {
          message: 'Error validating access token: Session has expired on Monday.',
          type: 'OAuthException',
          code: 190,
          error_subcode: 463,
          fbtrace_id: 'A1b2',
        },
      });
    expect(await fetchMessageTemplates(target, WABA)).toEqual({
      kind: 'rejected',
      httpStatus: 401,
      code: 190,
      message: 'Error validating access token: Session has expired on Monday.',
    });
    graph.handler = (request, response) =>
      request.url.searchParams.get('after')
        ? json(response, 400, {
            error: {
              message: '(#80008) There have been too many calls to this WhatsApp Business account.',
              type: 'OAuthException',
              code: 80008,
            },
          })
        : json(response, 200, { data: [ORDER_UPDATE], paging: { cursors: { after: 'C1' }, next: 'https://graph.facebook.com/next' } });
    expect(await fetchMessageTemplates(target, WABA)).toMatchObject({ kind: 'rejected', httpStatus: 400, code: 80008 });
  });

  it('is unknown when the server never answers (after the timeout), or answers 5xx or nonsense', async () => {
    graph.handler = () => undefined;
    const started = Date.now();
    const silent = await fetchMessageTemplates(target, WABA);
    expect(silent.kind).toBe('unknown');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    graph.handler = (_request, response) => json(response, 503, '<html>Service Unavailable</html>');
    expect((await fetchMessageTemplates(target, WABA)).kind).toBe('unknown');
    graph.handler = (_request, response) => json(response, 200, { templates: [] });
    expect((await fetchMessageTemplates(target, WABA)).kind).toBe('unknown');
    graph.handler = (_request, response) => json(response, 200, { data: [{ name: 'no_id' }] });
    expect((await fetchMessageTemplates(target, WABA)).kind).toBe('unknown');
  });

  it('stops on a cursor loop and after 50 pages instead of paging forever', async () => {
    graph.handler = (_request, response) =>
      json(response, 200, { data: [], paging: { cursors: { after: 'SAME' }, next: 'https://graph.facebook.com/n' } });
    expect(await fetchMessageTemplates(target, WABA)).toEqual({ kind: 'unknown', reason: 'page 2: paging.next without a new cursor' });
    let page = 0;
    graph.handler = (_request, response) =>
      json(response, 200, { data: [ORDER_UPDATE], paging: { cursors: { after: `P${++page}` }, next: 'https://graph.facebook.com/n' } });
    expect(await fetchMessageTemplates(target, WABA)).toEqual({ kind: 'unknown', reason: 'more than 50 pages of templates' });
    expect(page).toBe(50);
  });

  it('is not_sent when the connection is refused', async () => {
    expect(await fetchMessageTemplates({ ...target, baseUrl: await closedPortUrl() }, WABA)).toEqual({
      kind: 'not_sent',
      reason: 'ECONNREFUSED',
    });
  });
});
