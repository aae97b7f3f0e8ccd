import { loadCrmSimulatorsConfig } from './crm-simulators-config';

describe('CRM simulators configuration', () => {
  it('starts all three on ports 3003 to 3005 by default', () => {
    const loaded = loadCrmSimulatorsConfig({});
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    expect(loaded.config.hubspot?.port).toBe(3003);
    expect(loaded.config.zoho?.port).toBe(3004);
    expect(loaded.config.salesforce?.port).toBe(3005);
    expect(loaded.config.hubspot?.options.searchLagMs).toBe(3000);
    expect(loaded.config.zoho?.options.dataCentre).toBe('eu');
  });

  it('starts only the CRMs named in CRM_SIMULATORS and reads unique Zoho fields', () => {
    const loaded = loadCrmSimulatorsConfig({
      CRM_SIMULATORS: 'zoho',
      ZOHO_SIM_UNIQUE_FIELDS: 'Contacts.Mobile, Leads.Mobile',
      HUBSPOT_SIM_PORT: '',
    });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    expect(loaded.config.hubspot).toBeNull();
    expect(loaded.config.salesforce).toBeNull();
    expect(loaded.config.zoho?.options.uniqueFields).toEqual({ Contacts: ['Mobile'], Leads: ['Mobile'], Deals: [] });
  });

  it('names every variable that is wrong', () => {
    const loaded = loadCrmSimulatorsConfig({
      CRM_SIMULATORS: 'hubspot,pipedrive',
      ZOHO_SIM_PORT: '70000',
      HUBSPOT_SIM_WEBHOOK_URL: 'not a url',
      ZOHO_SIM_UNIQUE_FIELDS: 'Mobile',
      SALESFORCE_SIM_CLIENT_SECRET: 'short',
    });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    const text = loaded.problems.join('\n');
    for (const name of [
      'CRM_SIMULATORS',
      'ZOHO_SIM_PORT',
      'HUBSPOT_SIM_WEBHOOK_URL',
      'ZOHO_SIM_UNIQUE_FIELDS',
      'SALESFORCE_SIM_CLIENT_SECRET',
    ])
      expect(text).toContain(name);
  });

  it('refuses two simulators on one port', () => {
    const loaded = loadCrmSimulatorsConfig({ HUBSPOT_SIM_PORT: '4000', ZOHO_SIM_PORT: '4000' });
    expect(loaded.ok).toBe(false);
  });
});
