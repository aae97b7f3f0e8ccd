/**
 * The part of a HubSpot portal's schema the simulator knows: object types,
 * their properties (with the read-only system ones), the HUBSPOT_DEFINED
 * association types between them and the default deal pipeline.
 */
export type HubSpotObjectType = 'contacts' | 'deals' | 'notes' | 'communications' | 'tasks';
export const HUBSPOT_OBJECT_TYPES: readonly HubSpotObjectType[] = ['contacts', 'deals', 'notes', 'communications', 'tasks'];

export type PropertyType = 'string' | 'number' | 'datetime' | 'enumeration' | 'bool';

export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  options?: readonly string[];
  readOnly?: boolean;
  /** Only one record may hold a value (contacts' email). */
  unique?: boolean;
  custom?: boolean;
}

export interface ObjectTypeDefinition {
  objectTypeId: string;
  singular: string;
  createdProperty: string;
  lastModifiedProperty: string;
  defaultProperties: readonly string[];
  required: readonly string[];
  /** Properties the `query` of a search looks in. */
  queryProperties: readonly string[];
}

export const OBJECT_TYPE_DEFINITIONS: Record<HubSpotObjectType, ObjectTypeDefinition> = {
  contacts: {
    objectTypeId: '0-1',
    singular: 'contact',
    createdProperty: 'createdate',
    lastModifiedProperty: 'lastmodifieddate',
    defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
    required: [],
    queryProperties: ['firstname', 'lastname', 'email', 'phone', 'mobilephone', 'company'],
  },
  deals: {
    objectTypeId: '0-3',
    singular: 'deal',
    createdProperty: 'createdate',
    lastModifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
    required: ['dealname'],
    queryProperties: ['dealname'],
  },
  notes: {
    objectTypeId: '0-46',
    singular: 'note',
    createdProperty: 'hs_createdate',
    lastModifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    required: ['hs_timestamp'],
    queryProperties: ['hs_note_body'],
  },
  communications: {
    objectTypeId: '0-18',
    singular: 'communication',
    createdProperty: 'hs_createdate',
    lastModifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    required: ['hs_timestamp'],
    queryProperties: ['hs_communication_body'],
  },
  tasks: {
    objectTypeId: '0-27',
    singular: 'task',
    createdProperty: 'hs_createdate',
    lastModifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    required: ['hs_timestamp'],
    queryProperties: ['hs_task_subject', 'hs_task_body'],
  },
};

const text = (name: string, label: string, extra: Partial<PropertyDefinition> = {}): PropertyDefinition => ({
  name,
  label,
  type: 'string',
  fieldType: 'text',
  ...extra,
});
const choice = (name: string, label: string, options: readonly string[]): PropertyDefinition => ({
  name,
  label,
  type: 'enumeration',
  fieldType: 'select',
  options,
});
const when = (name: string, label: string, readOnly = false): PropertyDefinition => ({
  name,
  label,
  type: 'datetime',
  fieldType: 'date',
  readOnly,
});
const system = (created: string, modified: string): PropertyDefinition[] => [
  when(created, 'Create date', true),
  when(modified, 'Last modified date', true),
  { name: 'hs_object_id', label: 'Record ID', type: 'number', fieldType: 'number', readOnly: true },
  text('hubspot_owner_id', 'Owner'),
];

export const BUILT_IN_PROPERTIES: Record<HubSpotObjectType, readonly PropertyDefinition[]> = {
  contacts: [
    ...system('createdate', 'lastmodifieddate'),
    text('email', 'Email', { unique: true }),
    text('firstname', 'First name'),
    text('lastname', 'Last name'),
    text('phone', 'Phone number', { fieldType: 'phonenumber' }),
    text('mobilephone', 'Mobile phone number', { fieldType: 'phonenumber' }),
    text('hs_whatsapp_phone_number', 'WhatsApp phone number', { fieldType: 'phonenumber' }),
    text('company', 'Company name'),
    text('jobtitle', 'Job title'),
    text('city', 'City'),
    text('country', 'Country/Region'),
    choice('lifecyclestage', 'Lifecycle stage', [
      'subscriber',
      'lead',
      'marketingqualifiedlead',
      'salesqualifiedlead',
      'opportunity',
      'customer',
      'evangelist',
      'other',
    ]),
    choice('hs_lead_status', 'Lead status', [
      'NEW',
      'OPEN',
      'IN_PROGRESS',
      'OPEN_DEAL',
      'UNQUALIFIED',
      'ATTEMPTED_TO_CONTACT',
      'CONNECTED',
      'BAD_TIMING',
    ]),
  ],
  deals: [
    ...system('createdate', 'hs_lastmodifieddate'),
    text('dealname', 'Deal name'),
    { name: 'amount', label: 'Amount', type: 'number', fieldType: 'number' },
    text('dealstage', 'Deal stage'),
    text('pipeline', 'Pipeline'),
    when('closedate', 'Close date'),
    text('description', 'Deal description', { fieldType: 'textarea' }),
  ],
  notes: [
    ...system('hs_createdate', 'hs_lastmodifieddate'),
    text('hs_note_body', 'Note body', { fieldType: 'html' }),
    when('hs_timestamp', 'Activity date'),
  ],
  communications: [
    ...system('hs_createdate', 'hs_lastmodifieddate'),
    choice('hs_communication_channel_type', 'Channel type', ['WHATS_APP', 'LINKEDIN_MESSAGE', 'SMS']),
    choice('hs_communication_logged_from', 'Logged from', ['CRM']),
    text('hs_communication_body', 'Body', { fieldType: 'textarea' }),
    when('hs_timestamp', 'Activity date'),
  ],
  tasks: [
    ...system('hs_createdate', 'hs_lastmodifieddate'),
    text('hs_task_subject', 'Task title'),
    text('hs_task_body', 'Task notes', { fieldType: 'textarea' }),
    choice('hs_task_status', 'Task status', ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED']),
    choice('hs_task_priority', 'Priority', ['NONE', 'LOW', 'MEDIUM', 'HIGH']),
    choice('hs_task_type', 'Task type', ['EMAIL', 'CALL', 'TODO']),
    when('hs_timestamp', 'Due date'),
  ],
};

/** HUBSPOT_DEFINED default association type ids, by direction. */
export const DEFAULT_ASSOCIATION_TYPES: Readonly<Record<string, number>> = {
  'contacts->deals': 4,
  'deals->contacts': 3,
  'contacts->notes': 201,
  'notes->contacts': 202,
  'deals->notes': 213,
  'notes->deals': 214,
  'contacts->communications': 82,
  'communications->contacts': 81,
  'deals->communications': 86,
  'communications->deals': 85,
  'contacts->tasks': 203,
  'tasks->contacts': 204,
  'deals->tasks': 215,
  'tasks->deals': 216,
};

export function defaultAssociationType(from: HubSpotObjectType, to: HubSpotObjectType): number | null {
  return DEFAULT_ASSOCIATION_TYPES[`${from}->${to}`] ?? null;
}

/** Accepts `contacts`, `contact`, `0-1` (and any case) for an object type, as HubSpot's paths do. */
export function objectTypeFromPath(segment: string): HubSpotObjectType | null {
  const lower = segment.toLowerCase();
  for (const type of HUBSPOT_OBJECT_TYPES) {
    const definition = OBJECT_TYPE_DEFINITIONS[type];
    if (lower === type || lower === definition.singular || lower === definition.objectTypeId) return type;
  }
  return null;
}

export interface PipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  metadata: { isClosed: 'true' | 'false'; probability: string };
}

export interface Pipeline {
  id: string;
  label: string;
  displayOrder: number;
  stages: PipelineStage[];
}

/** HubSpot's default "Sales Pipeline" with its stage internal ids. */
export const DEFAULT_DEAL_PIPELINES: readonly Pipeline[] = [
  {
    id: 'default',
    label: 'Sales Pipeline',
    displayOrder: 0,
    stages: [
      ['appointmentscheduled', 'Appointment Scheduled', '0.2', 'false'],
      ['qualifiedtobuy', 'Qualified To Buy', '0.4', 'false'],
      ['presentationscheduled', 'Presentation Scheduled', '0.6', 'false'],
      ['decisionmakerboughtin', 'Decision Maker Bought-In', '0.8', 'false'],
      ['contractsent', 'Contract Sent', '0.9', 'false'],
      ['closedwon', 'Closed Won', '1.0', 'true'],
      ['closedlost', 'Closed Lost', '0.0', 'true'],
    ].map(([id = '', label = '', probability = '', closed], index) => ({
      id,
      label,
      displayOrder: index,
      metadata: { isClosed: closed === 'true' ? 'true' : 'false', probability },
    })),
  },
];
