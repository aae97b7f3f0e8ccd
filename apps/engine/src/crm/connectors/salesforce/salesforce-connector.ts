import { z } from 'zod';
import type {
  ActivityBatch,
  ContactFields,
  CrmConnector,
  PullPage,
  QuotaSnapshot,
  RecordUpdate,
  RecordWriteOutcome,
  RemoteContact,
  RemoteRef,
  SyncCursor,
} from '../crm-connector';
import { CrmError } from '../crm-error';
import { type CrmHttpAnswer, CrmHttp, type CrmHttpOptions } from '../crm-http';
import { requestRefreshedToken } from '../oauth-refresh';
import { fromRecordValues, type RecordFieldNames, toRecordBody } from '../record-field-mapping';
import { classifySalesforce } from './salesforce-errors';

export interface SalesforceSettings {
  loginUrl: string;
  apiVersion: string;
  object: 'Contact' | 'Lead';
}

export interface SalesforceCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

const FIELDS = ['Id', 'FirstName', 'LastName', 'Email', 'Phone', 'Phone_E164__c', 'SystemModstamp'];
const PAGE = 2000;
/** Salesforce requires a last name; a WhatsApp customer may have none yet. */
/** Where Parley's fields go in a Contact or Lead (the E.164 external id is set apart, on upsert). */
const SALESFORCE_FIELD_NAMES: RecordFieldNames = { firstName: 'FirstName', lastName: 'LastName', email: 'Email', phone: 'Phone' };

const sobject = z.object({
  Id: z.string(),
  FirstName: z.string().nullable().optional(),
  LastName: z.string().nullable().optional(),
  Email: z.string().nullable().optional(),
  Phone: z.string().nullable().optional(),
  Phone_E164__c: z.string().nullable().optional(),
  SystemModstamp: z.string(),
});
const queryAnswer = z.object({ totalSize: z.number(), done: z.boolean(), records: z.array(sobject) });
const idOnly = z.object({ records: z.array(z.object({ Id: z.string() })) });
const saved = z.object({ id: z.string(), success: z.boolean() });
/** sObject Collections: one result per record, in order; a refused record carries its own errors. */
const collectionAnswer = z.array(
  z
    .object({
      id: z.string().nullable().optional(),
      success: z.boolean(),
      errors: z.array(z.object({ statusCode: z.string(), message: z.string().optional() }).loose()).default([]),
    })
    .loose(),
);
const tokenAnswer = z.object({ access_token: z.string(), instance_url: z.string() });

function parse<T>(schema: z.ZodType<T>, answer: CrmHttpAnswer, what: string): T {
  const parsed = schema.safeParse(answer.body);
  if (!parsed.success) throw new CrmError('unavailable', `Salesforce answered ${what} in an unexpected shape: ${parsed.error.message}`);
  return parsed.data;
}

/** Salesforce writes datetimes as 2024-05-01T10:00:00.000+0000, which Date.parse reads once the offset has its colon. */
function time(value: string): number {
  const parsed = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(parsed) ? 0 : parsed;
}

/** SOQL string literal. */
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Salesforce REST: Contact (or Lead) upserted by the external id field
 * Phone_E164__c (several matches answer 300 and go to a person), changes
 * read by SOQL on SystemModstamp with a keyset cursor (Id), Opportunity,
 * Task for chat logs. The 24 h allocation is read from Sforce-Limit-Info.
 */
export class SalesforceConnector implements CrmConnector {
  readonly provider = 'salesforce' as const;
  /** sObject Collections take at most 200 records a call. */
  readonly batchLimit = 200;
  private readonly http: CrmHttp;
  private session: { accessToken: string; instanceUrl: string } | null = null;
  private readonly quotaState: QuotaSnapshot = {
    dailyRemaining: null,
    dailyMax: null,
    burstRemaining: null,
    callsMade: 0,
    observedAt: null,
  };

  constructor(
    private readonly settings: SalesforceSettings,
    private readonly credentials: SalesforceCredentials,
    httpOptions: Partial<CrmHttpOptions> = {},
  ) {
    this.http = new CrmHttp(
      {
        classify: classifySalesforce,
        observe: (answer) => this.observe(answer),
        authorization: async () => `Bearer ${(await this.ensureSession()).accessToken}`,
        refresh: () => this.refresh(),
      },
      httpOptions,
    );
  }

  private async ensureSession(): Promise<{ accessToken: string; instanceUrl: string }> {
    if (!this.session) await this.refresh();
    if (!this.session) throw new CrmError('auth', 'Salesforce gave no session');
    return this.session;
  }

  private async refresh(): Promise<void> {
    const answer = await requestRefreshedToken(
      this.http,
      new URL('/services/oauth2/token', this.settings.loginUrl).toString(),
      this.credentials,
    );
    const token = parse(tokenAnswer, answer, 'the token request');
    this.session = { accessToken: token.access_token, instanceUrl: token.instance_url };
  }

  private async url(path: string, query: Record<string, string> = {}): Promise<string> {
    const { instanceUrl } = await this.ensureSession();
    const url = new URL(`/services/data/${this.settings.apiVersion}${path}`, instanceUrl);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url.toString();
  }

  private observe(answer: CrmHttpAnswer): void {
    const match = /api-usage=(\d+)\/(\d+)/.exec(answer.headers.get('sforce-limit-info') ?? '');
    if (!match) return;
    const used = Number(match[1]);
    const max = Number(match[2]);
    this.quotaState.dailyMax = max;
    this.quotaState.dailyRemaining = Math.max(0, max - used);
    this.quotaState.observedAt = new Date().toISOString();
  }

  quota(): QuotaSnapshot {
    return { ...this.quotaState, callsMade: this.http.calls };
  }

  private toContact(record: z.infer<typeof sobject>): RemoteContact {
    return {
      type: this.settings.object,
      id: record.Id,
      fields: fromRecordValues({
        firstName: record.FirstName,
        lastName: record.LastName,
        email: record.Email,
        phone: record.Phone_E164__c ?? record.Phone,
      }),
      modifiedAt: time(record.SystemModstamp),
    };
  }

  private body(fields: Partial<ContactFields>): Record<string, string | null> {
    return toRecordBody(SALESFORCE_FIELD_NAMES, fields);
  }

  async test(): Promise<{ account: string }> {
    await this.http.request({ method: 'GET', url: await this.url('/limits') });
    return { account: new URL((await this.ensureSession()).instanceUrl).host };
  }

  async findByPhone(e164: string): Promise<RemoteContact | null> {
    try {
      const answer = await this.http.request({
        method: 'GET',
        url: await this.url(`/sobjects/${this.settings.object}/Phone_E164__c/${encodeURIComponent(e164)}`, { fields: FIELDS.join(',') }),
      });
      return this.toContact(parse(sobject, answer, 'the record'));
    } catch (error) {
      if (error instanceof CrmError && error.kind === 'not_found') return null;
      throw error;
    }
  }

  async get(ref: RemoteRef): Promise<RemoteContact | null> {
    try {
      const answer = await this.http.request({
        method: 'GET',
        url: await this.url(`/sobjects/${ref.type}/${encodeURIComponent(ref.id)}`, { fields: FIELDS.join(',') }),
      });
      return this.toContact(parse(sobject, answer, 'the record'));
    } catch (error) {
      if (error instanceof CrmError && error.kind === 'not_found') return null;
      throw error;
    }
  }

  /** An upsert by the external id: repeating it after a crash updates the record made the first time. */
  async create(fields: ContactFields): Promise<RemoteContact> {
    if (!fields.phone) throw new CrmError('validation', 'Salesforce records are keyed by Phone_E164__c: the contact needs a number');
    const answer = await this.http.request({
      method: 'PATCH',
      url: await this.url(`/sobjects/${this.settings.object}/Phone_E164__c/${encodeURIComponent(fields.phone)}`),
      json: this.body({ ...fields, lastName: fields.lastName }),
    });
    const { id } = parse(saved, answer, 'the upsert');
    const made = await this.get({ type: this.settings.object, id });
    if (!made) throw new CrmError('unavailable', `Salesforce lost record ${id} right after saving it`);
    return made;
  }

  async update(ref: RemoteRef, fields: Partial<ContactFields>): Promise<{ modifiedAt: number | null }> {
    const body = this.body(fields);
    if (fields.phone) body['Phone_E164__c'] = fields.phone;
    await this.http.request({ method: 'PATCH', url: await this.url(`/sobjects/${ref.type}/${encodeURIComponent(ref.id)}`), json: body });
    // PATCH answers 204 without the new SystemModstamp.
    return { modifiedAt: null };
  }

  /**
   * `PATCH /composite/sobjects` with `allOrNone: false`: the records
   * Salesforce accepts are written, each refused one answers its own
   * `errors[{statusCode, message, fields}]`. The answer has no new
   * SystemModstamp (as the single PATCH).
   */
  /** `GET /composite/sobjects/{O}?ids=&fields=`: a record that is not there answers null and is left out. */
  async getMany(type: string, ids: readonly string[]): Promise<RemoteContact[]> {
    if (ids.length === 0) return [];
    const answer = await this.http.request({
      method: 'GET',
      url: await this.url(`/composite/sobjects/${encodeURIComponent(type)}`, { ids: ids.join(','), fields: FIELDS.join(',') }),
    });
    return parse(z.array(sobject.nullable()), answer, 'the records')
      .filter((record) => record !== null)
      .map((record) => ({ ...this.toContact(record), type }));
  }

  async updateMany(updates: readonly RecordUpdate[]): Promise<RecordWriteOutcome[]> {
    if (updates.length === 0) return [];
    const records = updates.map((update) => {
      const body: Record<string, unknown> = { attributes: { type: update.ref.type }, id: update.ref.id, ...this.body(update.fields) };
      if (update.fields.phone) body['Phone_E164__c'] = update.fields.phone;
      return body;
    });
    const answer = await this.http.request({
      method: 'PATCH',
      url: await this.url('/composite/sobjects'),
      json: { allOrNone: false, records },
    });
    const results = parse(collectionAnswer, answer, 'the collection update');
    return updates.map((_update, index): RecordWriteOutcome => {
      const result = results[index];
      if (!result) return { ok: false, error: new CrmError('unavailable', 'Salesforce answered the collection without this record') };
      if (result.success) return { ok: true, modifiedAt: null };
      const first = result.errors[0];
      const kind =
        first?.statusCode === 'INVALID_CROSS_REFERENCE_KEY' || first?.statusCode === 'ENTITY_IS_DELETED' ? 'not_found' : 'validation';
      return {
        ok: false,
        error: new CrmError(kind, `Salesforce ${first?.statusCode ?? 'error'}: ${first?.message ?? 'no message'}`, answer.status),
      };
    });
  }

  private async query(soql: string): Promise<z.infer<typeof queryAnswer>> {
    const answer = await this.http.request({ method: 'GET', url: await this.url('/query', { q: soql }) });
    return parse(queryAnswer, answer, 'the query');
  }

  async pull(cursor: SyncCursor): Promise<PullPage> {
    const select = `SELECT ${FIELDS.join(', ')} FROM ${this.settings.object}`;
    if (cursor.phase === 'initial') {
      const where = cursor.after ? ` WHERE Id > ${quote(cursor.after)}` : '';
      const page = await this.query(`${select}${where} ORDER BY Id LIMIT ${PAGE}`);
      const contacts = page.records.map((r) => this.toContact(r));
      const maxSeen = Math.max(cursor.maxSeen ?? 0, ...contacts.map((c) => c.modifiedAt));
      const last = page.records.at(-1)?.Id;
      if (page.records.length === PAGE && last) return { contacts, cursor: { phase: 'initial', after: last, maxSeen }, caughtUp: false };
      return { contacts, cursor: { phase: 'incremental', since: maxSeen }, caughtUp: true };
    }
    const since = new Date(cursor.since ?? 0).toISOString();
    const where = cursor.after
      ? ` WHERE (SystemModstamp > ${since} OR (SystemModstamp = ${since} AND Id > ${quote(cursor.after)}))`
      : ` WHERE SystemModstamp >= ${since}`;
    const page = await this.query(`${select}${where} ORDER BY SystemModstamp ASC, Id ASC LIMIT ${PAGE}`);
    const contacts = page.records.map((r) => this.toContact(r));
    const last = contacts.at(-1);
    if (!last) return { contacts, cursor, caughtUp: true };
    return { contacts, cursor: { phase: 'incremental', since: last.modifiedAt, after: last.id }, caughtUp: page.records.length < PAGE };
  }

  async logActivity(ref: RemoteRef, batch: ActivityBatch): Promise<{ id: string }> {
    const answer = await this.http.request({
      method: 'POST',
      url: await this.url('/sobjects/Task'),
      json: {
        Subject: `WhatsApp: ${batch.conversationTitle} [parley:${batch.key}]`.slice(0, 255),
        Description: batch.lines.map((line) => `${line.at} ${line.direction === 'in' ? '←' : '→'} ${line.text}`).join('\n'),
        Status: 'Completed',
        Priority: 'Normal',
        WhoId: ref.id,
      },
    });
    return parse(saved, answer, 'the task');
  }

  async findActivity(batchKey: string): Promise<{ id: string } | null> {
    const page = idOnly.safeParse(
      (
        await this.http.request({
          method: 'GET',
          url: await this.url('/query', { q: `SELECT Id FROM Task WHERE Subject LIKE ${quote(`%[parley:${batchKey}]%`)}` }),
        })
      ).body,
    );
    const id = page.success ? page.data.records[0]?.Id : undefined;
    return id ? { id } : null;
  }

  async createDeal(ref: RemoteRef, deal: { title: string; stage: string; amount: number | null }): Promise<{ id: string }> {
    const close = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const answer = await this.http.request({
      method: 'POST',
      url: await this.url('/sobjects/Opportunity'),
      json: {
        Name: deal.title,
        StageName: deal.stage,
        CloseDate: close,
        ...(deal.amount === null ? {} : { Amount: deal.amount }),
        ...(ref.type === 'Contact' ? { ContactId: ref.id } : {}),
      },
    });
    return parse(saved, answer, 'the opportunity');
  }

  async createTask(ref: RemoteRef, task: { title: string; notes: string; dueAt: Date | null }): Promise<{ id: string }> {
    const answer = await this.http.request({
      method: 'POST',
      url: await this.url('/sobjects/Task'),
      json: {
        Subject: task.title,
        Description: task.notes,
        Status: 'Not Started',
        Priority: 'Normal',
        WhoId: ref.id,
        ...(task.dueAt ? { ActivityDate: task.dueAt.toISOString().slice(0, 10) } : {}),
      },
    });
    return parse(saved, answer, 'the task');
  }

  async addNote(ref: RemoteRef, note: { text: string; at: Date }): Promise<{ id: string }> {
    const answer = await this.http.request({
      method: 'POST',
      url: await this.url('/sobjects/Task'),
      json: {
        Subject: `Note: ${note.text.split('\n')[0] ?? ''}`.slice(0, 255),
        Description: note.text,
        Status: 'Completed',
        Priority: 'Normal',
        WhoId: ref.id,
        ActivityDate: note.at.toISOString().slice(0, 10),
      },
    });
    return parse(saved, answer, 'the note');
  }
}
