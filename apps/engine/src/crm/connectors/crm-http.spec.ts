import { createServer, type Server } from 'node:http';
import { CrmError } from './crm-error';
import { CrmHttp, type CrmHttpAnswer } from './crm-http';

const HOUR = 3_600_000;

describe('CrmHttp holds', () => {
  let server: Server;
  let url = '';
  let calls = 0;

  beforeAll(async () => {
    // The first answer says the burst window is spent; the others are plain.
    server = createServer((_request, response) => {
      calls += 1;
      response.writeHead(200, { 'content-type': 'application/json', ...(calls === 1 ? { 'x-window-spent': '1' } : {}) });
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the test server has no TCP port');
    url = `http://127.0.0.1:${address.port}/`;
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('keeps a hold as long as it was set when the wall clock steps back (an NTP step), instead of failing the call', async () => {
    const realNow = Date.now.bind(Date);
    let offset = HOUR;
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
    const http: CrmHttp = new CrmHttp({
      classify: () => null,
      observe: (answer: CrmHttpAnswer) => {
        if (answer.headers.get('x-window-spent')) http.holdUntil(Date.now() + 300);
      },
      authorization: async () => 'Bearer test',
    });
    await http.request({ method: 'GET', url });
    // The host's clock steps back the hour it was ahead while the hold runs.
    offset = 0;
    const started = realNow();
    const answer = await http.request({ method: 'GET', url }).catch((error: unknown) => error);
    expect(answer).not.toBeInstanceOf(CrmError);
    expect(realNow() - started).toBeGreaterThanOrEqual(250);
    expect(realNow() - started).toBeLessThan(5000);
  });
});
