/**
 * The sObjects of the simulated org with a describe-like field list: types,
 * lengths, which fields are required, creatable, updatable, external ids,
 * restricted picklists and reference targets. `Phone_E164__c` is a custom
 * external-id text field (not unique), as the connector setup asks for.
 */
export type SObjectName = 'Contact' | 'Lead' | 'Opportunity' | 'Task';
export const SOBJECTS: readonly SObjectName[] = ['Contact', 'Lead', 'Opportunity', 'Task'];

export type SfFieldType =
  'id' | 'string' | 'email' | 'phone' | 'textarea' | 'picklist' | 'date' | 'datetime' | 'currency' | 'double' | 'boolean' | 'reference';

export interface SfField {
  name: string;
  label: string;
  type: SfFieldType;
  length: number;
  required?: boolean;
  createable: boolean;
  updateable: boolean;
  externalId?: boolean;
  unique?: boolean;
  picklist?: readonly string[];
  restrictedPicklist?: boolean;
  defaultValue?: string | boolean;
  referenceTo?: readonly string[];
}

export const KEY_PREFIXES: Record<SObjectName | 'User' | 'Organization', string> = {
  Contact: '003',
  Lead: '00Q',
  Opportunity: '006',
  Task: '00T',
  User: '005',
  Organization: '00D',
};

const system = (): SfField[] => [
  { name: 'Id', label: 'Record ID', type: 'id', length: 18, createable: false, updateable: false },
  { name: 'IsDeleted', label: 'Deleted', type: 'boolean', length: 0, createable: false, updateable: false },
  { name: 'OwnerId', label: 'Owner ID', type: 'reference', length: 18, createable: true, updateable: true, referenceTo: ['User'] },
  { name: 'CreatedDate', label: 'Created Date', type: 'datetime', length: 0, createable: false, updateable: false },
  {
    name: 'CreatedById',
    label: 'Created By ID',
    type: 'reference',
    length: 18,
    createable: false,
    updateable: false,
    referenceTo: ['User'],
  },
  { name: 'LastModifiedDate', label: 'Last Modified Date', type: 'datetime', length: 0, createable: false, updateable: false },
  {
    name: 'LastModifiedById',
    label: 'Last Modified By ID',
    type: 'reference',
    length: 18,
    createable: false,
    updateable: false,
    referenceTo: ['User'],
  },
  { name: 'SystemModstamp', label: 'System Modstamp', type: 'datetime', length: 0, createable: false, updateable: false },
];
const text = (name: string, label: string, length: number, extra: Partial<SfField> = {}): SfField => ({
  name,
  label,
  type: 'string',
  length,
  createable: true,
  updateable: true,
  ...extra,
});
const phone = (name: string, label: string): SfField => ({ name, label, type: 'phone', length: 40, createable: true, updateable: true });
const email: SfField = { name: 'Email', label: 'Email', type: 'email', length: 80, createable: true, updateable: true };
const description: SfField = {
  name: 'Description',
  label: 'Description',
  type: 'textarea',
  length: 32_000,
  createable: true,
  updateable: true,
};
const fullName: SfField = { name: 'Name', label: 'Full Name', type: 'string', length: 121, createable: false, updateable: false };
const leadSource: SfField = {
  name: 'LeadSource',
  label: 'Lead Source',
  type: 'picklist',
  length: 255,
  createable: true,
  updateable: true,
  picklist: ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'],
};
const e164 = text('Phone_E164__c', 'Phone (E.164)', 20, { externalId: true });

export const SOBJECT_FIELDS: Record<SObjectName, readonly SfField[]> = {
  Contact: [
    ...system(),
    text('FirstName', 'First Name', 40),
    text('LastName', 'Last Name', 80, { required: true }),
    fullName,
    email,
    phone('Phone', 'Business Phone'),
    phone('MobilePhone', 'Mobile Phone'),
    leadSource,
    text('MailingCity', 'Mailing City', 40),
    text('MailingCountry', 'Mailing Country', 80),
    description,
    e164,
  ],
  Lead: [
    ...system(),
    text('FirstName', 'First Name', 40),
    text('LastName', 'Last Name', 80, { required: true }),
    fullName,
    text('Company', 'Company', 255, { required: true }),
    email,
    phone('Phone', 'Phone'),
    phone('MobilePhone', 'Mobile Phone'),
    {
      name: 'Status',
      label: 'Lead Status',
      type: 'picklist',
      length: 255,
      createable: true,
      updateable: true,
      restrictedPicklist: true,
      defaultValue: 'Open - Not Contacted',
      picklist: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
    },
    leadSource,
    { name: 'IsConverted', label: 'Converted', type: 'boolean', length: 0, createable: false, updateable: false, defaultValue: false },
    description,
    e164,
  ],
  Opportunity: [
    ...system(),
    text('Name', 'Name', 120, { required: true }),
    {
      name: 'StageName',
      label: 'Stage',
      type: 'picklist',
      length: 255,
      required: true,
      createable: true,
      updateable: true,
      restrictedPicklist: true,
      picklist: [
        'Prospecting',
        'Qualification',
        'Needs Analysis',
        'Value Proposition',
        'Id. Decision Makers',
        'Perception Analysis',
        'Proposal/Price Quote',
        'Negotiation/Review',
        'Closed Won',
        'Closed Lost',
      ],
    },
    { name: 'CloseDate', label: 'Close Date', type: 'date', length: 0, required: true, createable: true, updateable: true },
    { name: 'Amount', label: 'Amount', type: 'currency', length: 0, createable: true, updateable: true },
    { name: 'Probability', label: 'Probability (%)', type: 'double', length: 0, createable: true, updateable: true },
    { name: 'ContactId', label: 'Contact ID', type: 'reference', length: 18, createable: true, updateable: true, referenceTo: ['Contact'] },
    leadSource,
    description,
  ],
  Task: [
    ...system(),
    text('Subject', 'Subject', 255),
    description,
    {
      name: 'Status',
      label: 'Status',
      type: 'picklist',
      length: 255,
      required: true,
      createable: true,
      updateable: true,
      restrictedPicklist: true,
      defaultValue: 'Not Started',
      picklist: ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'],
    },
    {
      name: 'Priority',
      label: 'Priority',
      type: 'picklist',
      length: 40,
      required: true,
      createable: true,
      updateable: true,
      restrictedPicklist: true,
      defaultValue: 'Normal',
      picklist: ['High', 'Normal', 'Low'],
    },
    { name: 'ActivityDate', label: 'Due Date Only', type: 'date', length: 0, createable: true, updateable: true },
    {
      name: 'WhoId',
      label: 'Name ID',
      type: 'reference',
      length: 18,
      createable: true,
      updateable: true,
      referenceTo: ['Contact', 'Lead'],
    },
    {
      name: 'WhatId',
      label: 'Related To ID',
      type: 'reference',
      length: 18,
      createable: true,
      updateable: true,
      referenceTo: ['Opportunity'],
    },
    {
      name: 'TaskSubtype',
      label: 'Task Subtype',
      type: 'picklist',
      length: 40,
      createable: true,
      updateable: false,
      restrictedPicklist: true,
      defaultValue: 'Task',
      picklist: ['Task', 'Email', 'Call'],
    },
  ],
};

export function sobjectFromPath(segment: string): SObjectName | null {
  return SOBJECTS.find((name) => name.toLowerCase() === segment.toLowerCase()) ?? null;
}

/** SOQL and the REST API take field names in any case. */
export function fieldNamed(sobject: SObjectName, name: string): SfField | null {
  const lower = name.toLowerCase();
  return SOBJECT_FIELDS[sobject].find((field) => field.name.toLowerCase() === lower) ?? null;
}
