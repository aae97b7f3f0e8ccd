import { startHubSpotSimulator } from '../hubspot/hubspot-server';
import { startSalesforceSimulator } from '../salesforce/salesforce-server';
import { startZohoSimulator } from '../zoho/zoho-server';
import { fetchJson } from './fetch-json.spec-helper';

const BODIES = [
  '{',
  '[]',
  'null',
  '"text"',
  '{"data": "x"}',
  '{"properties": []}',
  '{"records": [1, null, "x"]}',
  '{"inputs": [{}]}',
  '{"watch": [{}]}',
  '{"filterGroups": [{"filters": [{"propertyName": "email", "operator": "NOPE"}]}]}',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

async function statuses(base: string, paths: string[], headers: Record<string, string>): Promise<{ request: string; status: number }[]> {
  const seen: { request: string; status: number }[] = [];
  for (const path of paths) {
    for (const method of METHODS) {
      for (const body of method === 'GET' || method === 'DELETE' ? [undefined] : BODIES) {
        const answer = await fetchJson(`${base}${path}`, {
          method,
          headers: { ...headers, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body }),
        });
        seen.push({ request: `${method} ${path} ${body ?? ''}`, status: answer.status });
      }
    }
  }
  return seen;
}

/** Every simulator answers malformed input with a 4xx in its CRM's shape, never a 5xx. */
describe('CRM simulators with malformed input', () => {
  it('HubSpot never answers 5xx', async () => {
    const sim = await startHubSpotSimulator({
      privateAppTokens: ['pat-token-123'],
      limits: { privateAppPerInterval: 100_000, searchPerSecond: 100_000 },
    });
    try {
      const seen = await statuses(
        sim.url,
        [
          '/crm/v3/objects/contacts',
          '/crm/v3/objects/contacts/1',
          '/crm/v3/objects/contacts/search',
          '/crm/v3/objects/widgets',
          '/crm/v3/objects/contacts/batch/read',
          '/crm/v3/objects/contacts/batch/upsert',
          '/crm/v3/objects/contacts?limit=abc&after=x',
          '/crm/v3/properties/contacts',
          '/crm/v3/pipelines/deals/nope/stages',
          '/crm/v4/objects/contacts/1/associations/deals/2',
          '/crm/v4/objects/contacts/1/associations/default/widgets/2',
          '/oauth/v1/token',
          '/sim/faults',
          '/sim/ui/contacts',
          '/%E0%A4%A',
        ],
        { authorization: 'Bearer pat-token-123' },
      );
      expect(seen.filter((entry) => entry.status >= 500)).toEqual([]);
      // The calls were authenticated: the answers are the endpoints' own refusals, not all 401s.
      expect(seen.filter((entry) => entry.status === 400).length).toBeGreaterThan(20);
    } finally {
      await sim.close();
    }
  });

  it('Zoho never answers 5xx', async () => {
    const sim = await startZohoSimulator({ oauth: { clientId: 'c', clientSecret: 's', refreshTokens: ['r'] }, creditsPer24h: 1_000_000 });
    try {
      const token = await fetchJson(`${sim.url}/oauth/v2/token?grant_type=refresh_token&client_id=c&client_secret=s&refresh_token=r`, {
        method: 'POST',
      });
      const access =
        typeof token.body === 'object' && token.body !== null && 'access_token' in token.body ? String(token.body.access_token) : '';
      const seen = await statuses(
        sim.url,
        [
          '/crm/v8/Contacts',
          '/crm/v8/Contacts?fields=Nope',
          '/crm/v8/Contacts?fields=Last_Name&page_token=garbage',
          '/crm/v8/Contacts/123',
          '/crm/v8/Contacts/upsert',
          '/crm/v8/Contacts/search?criteria=((((',
          '/crm/v8/Contacts/search?criteria=(Last_Name:between:a)',
          '/crm/v8/Widgets',
          '/crm/v8/actions/watch',
          '/crm/v8/actions/watch?channel_ids=1',
          '/crm/v8/settings/fields?module=Nope',
          '/oauth/v2/token',
          '/sim/ui/Contacts',
        ],
        { authorization: `Zoho-oauthtoken ${access}` },
      );
      expect(seen.filter((entry) => entry.status >= 500)).toEqual([]);
      // The calls were authenticated: the answers are the endpoints' own refusals, not all 401s.
      expect(seen.filter((entry) => entry.status === 400).length).toBeGreaterThan(20);
    } finally {
      await sim.close();
    }
  });

  it('Salesforce never answers 5xx', async () => {
    const sim = await startSalesforceSimulator({ oauth: { clientId: 'c', clientSecret: 's', refreshTokens: ['r'] } });
    try {
      const token = await fetchJson(
        `${sim.url}/services/oauth2/token?grant_type=refresh_token&client_id=c&client_secret=s&refresh_token=r`,
        { method: 'POST' },
      );
      const access =
        typeof token.body === 'object' && token.body !== null && 'access_token' in token.body ? String(token.body.access_token) : '';
      const v = '/services/data/v62.0';
      const seen = await statuses(
        sim.url,
        [
          `${v}/sobjects/Contact`,
          `${v}/sobjects/Contact/003`,
          `${v}/sobjects/Contact/Phone_E164__c/%2B39`,
          `${v}/sobjects/Contact/Name/x`,
          `${v}/sobjects/Contact/updated/?start=x&end=y`,
          `${v}/sobjects/Widget__c`,
          `${v}/query?q=${encodeURIComponent("SELECT Id FROM Contact WHERE (LastName = 'a'")}`,
          `${v}/query?q=${encodeURIComponent('SELECT COUNT( FROM Contact WHERE CloseDate = 2024-13-45')}`,
          `${v}/query?q=${encodeURIComponent("SELECT Id FROM Contact WHERE LastName > 5 OR LastName LIKE 'x' OFFSET 99999")}`,
          `${v}/query/garbage-1`,
          `${v}/composite/sobjects`,
          `${v}/composite/sobjects/Contact/Phone_E164__c`,
          `${v}/composite/sobjects/Contact?ids=1&fields=Nope`,
          '/services/oauth2/token',
          '/sim/ui/Contact',
        ],
        { authorization: `Bearer ${access}` },
      );
      expect(seen.filter((entry) => entry.status >= 500)).toEqual([]);
      // The calls were authenticated: the answers are the endpoints' own refusals, not all 401s.
      expect(seen.filter((entry) => entry.status === 400).length).toBeGreaterThan(20);
    } finally {
      await sim.close();
    }
  });
});
