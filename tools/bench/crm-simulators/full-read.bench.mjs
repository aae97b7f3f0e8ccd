// CRM simulators: how long a full read of N contacts takes from each local CRM
// (HubSpot list API 100 per page, Zoho records API 200 per page then
// page_token, Salesforce SOQL with nextRecordsUrl in batches of 2,000), how
// many API calls it uses, and how long those calls would take at the CRM's
// own rate limits. The simulators run in this process from the built library
// (npm run build first), with their limits raised so the simulator itself is
// what is measured.
//
//   node tools/bench/crm-simulators/full-read.bench.mjs [--contacts=100000]
import { cpus, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { startHubSpotSimulator, startSalesforceSimulator, startZohoSimulator } = require('../../../libs/crm-simulators/dist/index.js');

const options = Object.fromEntries(
  process.argv
    .slice(2)
    .map((arg) => /^--([a-z]+)=(.+)$/.exec(arg))
    .filter(Boolean)
    .map((match) => [match[1], match[2]]),
);
const CONTACTS = Number(options.contacts ?? 100_000);

async function json(url, init = {}) {
  const response = await fetch(url, init);
  if (response.status === 204) return { status: 204, body: null };
  const body = await response.json();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
  return { status: response.status, body };
}

async function generate(url, body) {
  const started = performance.now();
  await json(`${url}/sim/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: CONTACTS, ...body }),
  });
  return performance.now() - started;
}

async function hubspot() {
  const sim = await startHubSpotSimulator({
    privateAppTokens: ['pat-bench-token'],
    limits: { privateAppPerInterval: 10_000_000, daily: 10_000_000 },
  });
  try {
    const seedMs = await generate(sim.url, {});
    const headers = { authorization: 'Bearer pat-bench-token' };
    const started = performance.now();
    let calls = 0;
    let read = 0;
    let after = null;
    do {
      const page = await json(
        `${sim.url}/crm/v3/objects/contacts?limit=100&properties=phone,mobilephone,email${after ? `&after=${after}` : ''}`,
        { headers },
      );
      calls += 1;
      read += page.body.results.length;
      after = page.body.paging?.next?.after ?? null;
    } while (after);
    // Private app, Professional: 190 requests per 10 s.
    return {
      crm: 'HubSpot',
      seedMs,
      readMs: performance.now() - started,
      calls,
      read,
      atLimitS: (calls / 190) * 10,
      limit: '190 per 10 s',
    };
  } finally {
    await sim.close();
  }
}

async function zoho() {
  const sim = await startZohoSimulator({ oauth: { clientId: 'c', clientSecret: 's', refreshTokens: ['r'] }, creditsPer24h: 10_000_000 });
  try {
    const seedMs = await generate(sim.url, { module: 'Contacts' });
    const token = await json(`${sim.url}/oauth/v2/token?grant_type=refresh_token&client_id=c&client_secret=s&refresh_token=r`, {
      method: 'POST',
    });
    const headers = { authorization: `Zoho-oauthtoken ${token.body.access_token}` };
    const started = performance.now();
    let calls = 0;
    let read = 0;
    let page = 1;
    let next = null;
    for (;;) {
      const query = next ? `page_token=${next}` : `page=${page}`;
      const answer = await json(
        `${sim.url}/crm/v8/Contacts?fields=Last_Name,Mobile,Email&per_page=200&sort_by=id&sort_order=asc&${query}`,
        { headers },
      );
      calls += 1;
      if (answer.status === 204) break;
      read += answer.body.data.length;
      if (!answer.body.info.more_records) break;
      next = answer.body.info.next_page_token;
      page += 1;
    }
    // Zoho has no per-second limit, only credits (one per call here) and concurrency: the calls are what it costs.
    return {
      crm: 'Zoho CRM',
      seedMs,
      readMs: performance.now() - started,
      calls,
      read,
      atLimitS: null,
      limit: `${calls} of 50,000 credits / 24 h`,
    };
  } finally {
    await sim.close();
  }
}

async function salesforce() {
  const sim = await startSalesforceSimulator({
    oauth: { clientId: 'c', clientSecret: 's', refreshTokens: ['r'] },
    dailyApiRequests: 10_000_000,
  });
  try {
    const seedMs = await generate(sim.url, { sobject: 'Contact' });
    const token = await json(`${sim.url}/services/oauth2/token?grant_type=refresh_token&client_id=c&client_secret=s&refresh_token=r`, {
      method: 'POST',
    });
    const headers = { authorization: `Bearer ${token.body.access_token}` };
    const started = performance.now();
    let calls = 1;
    const soql = encodeURIComponent(
      'SELECT Id, LastName, MobilePhone, Phone_E164__c, SystemModstamp FROM Contact ORDER BY SystemModstamp ASC',
    );
    let answer = await json(`${sim.url}/services/data/v62.0/query?q=${soql}`, { headers });
    let read = answer.body.records.length;
    while (answer.body.nextRecordsUrl) {
      answer = await json(`${sim.url}${answer.body.nextRecordsUrl}`, { headers });
      calls += 1;
      read += answer.body.records.length;
    }
    return {
      crm: 'Salesforce',
      seedMs,
      readMs: performance.now() - started,
      calls,
      read,
      atLimitS: null,
      limit: `${calls} of 100,000 requests / 24 h`,
    };
  } finally {
    await sim.close();
  }
}

const results = [];
for (const run of [hubspot, zoho, salesforce]) {
  const result = await run();
  if (result.read !== CONTACTS) throw new Error(`${result.crm}: read ${result.read} of ${CONTACTS}`);
  results.push(result);
}
console.log(
  `Full read of ${CONTACTS.toLocaleString('en')} contacts; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log('| CRM | seed (s) | read (s) | API calls | at the CRM limit | limit |');
console.log('|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.crm} | ${(r.seedMs / 1000).toFixed(1)} | ${(r.readMs / 1000).toFixed(1)} | ${r.calls.toLocaleString('en')} | ${r.atLimitS === null ? '–' : `≥ ${r.atLimitS.toFixed(0)} s`} | ${r.limit} |`,
  );
}
console.log(`Peak RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (last simulator still in memory)`);
