/**
 * The modules and fields of the simulated Zoho CRM org: the ones a WhatsApp
 * connector uses, with Zoho's data types, lengths, mandatory fields and the
 * system-defined duplicate-check field of each module.
 */
export type ZohoModule = 'Contacts' | 'Leads' | 'Deals' | 'Notes' | 'Tasks';
export const ZOHO_MODULES: readonly ZohoModule[] = ['Contacts', 'Leads', 'Deals', 'Notes', 'Tasks'];

export type ZohoDataType =
  'text' | 'textarea' | 'email' | 'phone' | 'picklist' | 'currency' | 'date' | 'lookup' | 'ownerlookup' | 'boolean';

export interface ZohoField {
  apiName: string;
  label: string;
  dataType: ZohoDataType;
  length: number;
  mandatory?: boolean;
  /** Restricted picklists refuse other values. */
  picklist?: readonly string[];
  /** The modules a lookup may point to. */
  lookup?: readonly ZohoModule[];
  /** Shown in search (`word=`) and phone search (`phone=`). */
  searchable?: boolean;
}

const text = (apiName: string, label: string, length: number, extra: Partial<ZohoField> = {}): ZohoField => ({
  apiName,
  label,
  dataType: 'text',
  length,
  searchable: true,
  ...extra,
});
const phone = (apiName: string, label: string): ZohoField => ({ apiName, label, dataType: 'phone', length: 30, searchable: true });
const email = (apiName = 'Email'): ZohoField => ({ apiName, label: 'Email', dataType: 'email', length: 100, searchable: true });
const area = (apiName: string, label: string): ZohoField => ({ apiName, label, dataType: 'textarea', length: 32_000 });
const owner: ZohoField = { apiName: 'Owner', label: 'Owner', dataType: 'ownerlookup', length: 120 };
const leadSource: ZohoField = { apiName: 'Lead_Source', label: 'Lead Source', dataType: 'text', length: 120 };

export const DEAL_STAGES = [
  'Qualification',
  'Needs Analysis',
  'Value Proposition',
  'Identify Decision Makers',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
] as const;

export const MODULE_FIELDS: Record<ZohoModule, readonly ZohoField[]> = {
  Contacts: [
    owner,
    text('First_Name', 'First Name', 40),
    text('Last_Name', 'Last Name', 80, { mandatory: true }),
    email(),
    phone('Phone', 'Phone'),
    phone('Mobile', 'Mobile'),
    leadSource,
    text('Mailing_City', 'Mailing City', 30),
    text('Mailing_Country', 'Mailing Country', 30),
    area('Description', 'Description'),
  ],
  Leads: [
    owner,
    text('First_Name', 'First Name', 40),
    text('Last_Name', 'Last Name', 80, { mandatory: true }),
    text('Company', 'Company', 200),
    email(),
    phone('Phone', 'Phone'),
    phone('Mobile', 'Mobile'),
    leadSource,
    {
      apiName: 'Lead_Status',
      label: 'Lead Status',
      dataType: 'picklist',
      length: 120,
      picklist: [
        '-None-',
        'Attempted to Contact',
        'Contact in Future',
        'Contacted',
        'Junk Lead',
        'Lost Lead',
        'Not Contacted',
        'Pre-Qualified',
        'Not Qualified',
      ],
    },
    area('Description', 'Description'),
  ],
  Deals: [
    owner,
    text('Deal_Name', 'Deal Name', 120, { mandatory: true }),
    { apiName: 'Stage', label: 'Stage', dataType: 'picklist', length: 120, mandatory: true, picklist: DEAL_STAGES },
    { apiName: 'Amount', label: 'Amount', dataType: 'currency', length: 16 },
    { apiName: 'Closing_Date', label: 'Closing Date', dataType: 'date', length: 20 },
    { apiName: 'Contact_Name', label: 'Contact Name', dataType: 'lookup', length: 120, lookup: ['Contacts'] },
    leadSource,
    area('Description', 'Description'),
  ],
  Notes: [
    owner,
    text('Note_Title', 'Note Title', 120),
    { ...area('Note_Content', 'Note Content'), mandatory: true },
    { apiName: 'Parent_Id', label: 'Parent ID', dataType: 'lookup', length: 120, mandatory: true, lookup: ['Contacts', 'Leads', 'Deals'] },
  ],
  Tasks: [
    owner,
    text('Subject', 'Subject', 300, { mandatory: true }),
    { apiName: 'Due_Date', label: 'Due Date', dataType: 'date', length: 20 },
    {
      apiName: 'Status',
      label: 'Status',
      dataType: 'picklist',
      length: 120,
      picklist: ['Not Started', 'Deferred', 'In Progress', 'Completed', 'Waiting for input'],
    },
    { apiName: 'Priority', label: 'Priority', dataType: 'picklist', length: 120, picklist: ['High', 'Highest', 'Low', 'Lowest', 'Normal'] },
    { apiName: 'Who_Id', label: 'Contact Name', dataType: 'lookup', length: 120, lookup: ['Contacts', 'Leads'] },
    { apiName: 'What_Id', label: 'Related To', dataType: 'lookup', length: 120, lookup: ['Deals'] },
    area('Description', 'Description'),
  ],
};

/** Zoho's system-defined duplicate-check field per module (used by upsert; not unique on insert). */
export const SYSTEM_DUPLICATE_CHECK: Record<ZohoModule, readonly string[]> = {
  Contacts: ['Email'],
  Leads: ['Email'],
  Deals: ['Deal_Name'],
  Notes: [],
  Tasks: [],
};

/** Fields Zoho fills itself: clients may echo them back, and they are ignored. */
export const SYSTEM_FIELDS = new Set(['id', 'Created_Time', 'Modified_Time', 'Created_By', 'Modified_By']);

export function moduleFromPath(segment: string): ZohoModule | null {
  return ZOHO_MODULES.find((module) => module.toLowerCase() === segment.toLowerCase()) ?? null;
}

export function fieldOf(module: ZohoModule, apiName: string): ZohoField | null {
  return MODULE_FIELDS[module].find((field) => field.apiName === apiName) ?? null;
}
