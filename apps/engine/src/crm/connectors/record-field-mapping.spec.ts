import { fromRecordValues, NO_LAST_NAME, toRecordBody } from './record-field-mapping';

describe('Salesforce / Zoho record field mapping', () => {
  const names = { firstName: 'First_Name', lastName: 'Last_Name', email: 'Email', phone: 'Mobile' };

  it('writes only the fields given, under the CRM’s names, with the placeholder for a missing last name', () => {
    expect(toRecordBody(names, { firstName: 'Eva', email: null })).toEqual({ First_Name: 'Eva', Email: null });
    expect(toRecordBody(names, { lastName: null, phone: '+393331112222' })).toEqual({ Last_Name: NO_LAST_NAME, Mobile: '+393331112222' });
    expect(toRecordBody(names, {})).toEqual({});
  });

  it('reads the placeholder back as no last name and emails in lower case', () => {
    expect(fromRecordValues({ firstName: 'Eva', lastName: NO_LAST_NAME, email: 'EVA@Example.com', phone: undefined })).toEqual({
      firstName: 'Eva',
      lastName: null,
      email: 'eva@example.com',
      phone: null,
    });
  });
});
