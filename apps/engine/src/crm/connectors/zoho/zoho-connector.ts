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
import { fromRecordValues, NO_LAST_NAME, type RecordFieldNames, toRecordBody } from '../record-field-mapping';
import { classifyZoho } from './zoho-errors';

export interface ZohoSettings {
  /** The accounts server of the org's data centre (https://accounts.zoho.eu, .com, .in…). */
  accountsUrl: string;
  module: 'Contacts' | 'Leads';
}

/** A notification channel as Parley asks Zoho for it. */
export interface ZohoWatchChannel {
  channelId: string;
  token: string;
  notifyUrl: string;
  /** Epoch ms; Zoho keeps a channel at most a day. */
  expiresAt: number;
}

export interface ZohoCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

const FIELDS = ['First_Name', 'Last_Name', 'Email', 'Mobile', 'Phone', 'Modified_Time'];
const PAGE = 200;
/** Zoho requires Last_Name; a WhatsApp customer may have none yet. */
/** Where Parley's fields go in a Contacts or Leads record (the number goes to Mobile, searched with Phone). */
const ZOHO_FIELD_NAMES: RecordFieldNames = { firstName: 'First_Name', lastName: 'Last_Name', email: 'Email', phone: 'Mobile' };

const record = z
  .object({
    id: z.string(),
    First_Name: z.string().nullable().optional(),
    Last_Name: z.string().nullable().optional(),
    Email: z.string().nullable().optional(),
    Mobile: z.string().nullable().optional(),
    Phone: z.string().nullable().optional(),
    Modified_Time: z.string().optional(),
  })
  .loose();
const listAnswer = z.object({
  data: z.array(record),
  info: z.object({ more_records: z.boolean(), next_page_token: z.string().nullable().optional() }).loose(),
});
const writeAnswer = z.object({
  data: z.array(z.object({ code: z.string(), details: z.object({ id: z.string(), Modified_Time: z.string().optional() }).loose() })),
});
/** Zoho's answer to a multi-record write: one item per record, in order, `SUCCESS` or the record's own error. */
const batchWriteAnswer = z.object({
  data: z.array(
    z
      .object({
        code: z.string(),
        message: z.string().optional(),
        details: z.object({ id: z.string().optional(), Modified_Time: z.string().optional() }).loose().optional(),
      })
      .loose(),
  ),
});
const watchAnswer = z.object({
  watch: z.array(
    z
      .object({ code: z.string(), details: z.object({ events: z.array(z.object({ channel_expiry: z.string() }).loose()) }).loose() })
      .loose(),
  ),
});
const tokenAnswer = z.object({ access_token: z.string(), api_domain: z.string() });
const tokenError = z.object({ error: z.string() });

function parse<T>(schema: z.ZodType<T>, answer: CrmHttpAnswer, what: string): T {
  const parsed = schema.safeParse(answer.body);
  if (!parsed.success) throw new CrmError('unavailable', `Zoho answered ${what} in an unexpected shape: ${parsed.error.message}`);
  return parsed.data;
}

function time(value: string | undefined): number {
  const parsed = value ? Date.parse(value) : NaN;
  return Number.isNaN(parsed) ? 0 : parsed;
}

/** Zoho's criteria escapes ( ) , : and \ with a backslash. */
function criteriaValue(value: string): string {
  return value.replace(/[(),:\\]/g, '\\$&');
}

/**
 * Zoho CRM v8: OAuth refresh token against the data centre's accounts
 * server (which names the API domain), Contacts then Leads searched by
 * phone, records written with `Zoho-oauthtoken`, changes read by
 * Modified_Time with If-Modified-Since, Deals, Notes for chat history.
 * Zoho sends no remaining-credit header, so calls are counted here.
 */
export class ZohoConnector implements CrmConnector {
  readonly provider = 'zoho' as const;
  /** `PUT /crm/v8/{module}` takes at most 100 records. */
  readonly batchLimit = 100;
  private readonly http: CrmHttp;
  private session: { accessToken: string; apiDomain: string } | null = null;

  constructor(
    private readonly settings: ZohoSettings,
    private readonly credentials: ZohoCredentials,
    httpOptions: Partial<CrmHttpOptions> = {},
  ) {
    // Zoho refuses more than a few concurrent calls per org (20 in the simulator, fewer on small editions).
    this.http = new CrmHttp(
      {
        classify: classifyZoho,
        observe: () => undefined,
        authorization: async () => `Zoho-oauthtoken ${(await this.ensureSession()).accessToken}`,
        refresh: () => this.refresh(),
      },
      { concurrency: 5, ...httpOptions },
    );
  }

  private async ensureSession(): Promise<{ accessToken: string; apiDomain: string }> {
    if (!this.session) await this.refresh();
    if (!this.session) throw new CrmError('auth', 'Zoho gave no session');
    return this.session;
  }

  private async refresh(): Promise<void> {
    const answer = await requestRefreshedToken(
      this.http,
      new URL('/oauth/v2/token', this.settings.accountsUrl).toString(),
      this.credentials,
    );
    // Zoho answers a refused refresh with HTTP 200 and {error}.
    const refused = tokenError.safeParse(answer.body);
    if (refused.success) throw new CrmError('auth', `Zoho OAuth: ${refused.data.error}`, answer.status);
    const token = parse(tokenAnswer, answer, 'the token request');
    this.session = { accessToken: token.access_token, apiDomain: token.api_domain };
  }

  private async url(path: string, query: Record<string, string> = {}): Promise<string> {
    const { apiDomain } = await this.ensureSession();
    const url = new URL(`/crm/v8${path}`, apiDomain);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url.toString();
  }

  quota(): QuotaSnapshot {
    return { dailyRemaining: null, dailyMax: null, burstRemaining: null, callsMade: this.http.calls, observedAt: null };
  }

  private toContact(module: string, r: z.infer<typeof record>): RemoteContact {
    return {
      type: module,
      id: r.id,
      fields: fromRecordValues({ firstName: r.First_Name, lastName: r.Last_Name, email: r.Email, phone: r.Mobile ?? r.Phone }),
      modifiedAt: time(r.Modified_Time),
    };
  }

  private body(fields: Partial<ContactFields>): Record<string, string | null> {
    return toRecordBody(ZOHO_FIELD_NAMES, fields);
  }

  async test(): Promise<{ account: string }> {
    await this.http.request({ method: 'GET', url: await this.url('/org') });
    return { account: new URL((await this.ensureSession()).apiDomain).host };
  }

  async findByPhone(e164: string): Promise<RemoteContact | null> {
    const modules = this.settings.module === 'Contacts' ? ['Contacts', 'Leads'] : ['Leads'];
    for (const module of modules) {
      const answer = await this.http.request({
        method: 'GET',
        url: await this.url(`/${module}/search`, { phone: e164, fields: FIELDS.join(',') }),
      });
      if (answer.status === 204) continue;
      const first = parse(listAnswer, answer, 'the search').data[0];
      if (first) return this.toContact(module, first);
    }
    return null;
  }

  async get(ref: RemoteRef): Promise<RemoteContact | null> {
    const answer = await this.http.request({ method: 'GET', url: await this.url(`/${ref.type}/${encodeURIComponent(ref.id)}`) });
    if (answer.status === 204) return null;
    const first = parse(z.object({ data: z.array(record) }), answer, 'the record').data[0];
    return first ? this.toContact(ref.type, first) : null;
  }

  /** `GET /{module}?ids=` (≤100); a 204 means none of them is there. */
  async getMany(type: string, ids: readonly string[]): Promise<RemoteContact[]> {
    if (ids.length === 0) return [];
    const answer = await this.http.request({
      method: 'GET',
      url: await this.url(`/${type}`, { ids: ids.join(','), fields: FIELDS.join(',') }),
    });
    if (answer.status === 204) return [];
    return parse(listAnswer.pick({ data: true }), answer, 'the records').data.map((r) => this.toContact(type, r));
  }

  async create(fields: ContactFields): Promise<RemoteContact> {
    const answer = await this.http.request({
      method: 'POST',
      url: await this.url(`/${this.settings.module}`),
      json: { data: [{ ...this.body(fields), Last_Name: fields.lastName ?? NO_LAST_NAME }] },
    });
    const details = parse(writeAnswer, answer, 'the insert').data[0]?.details;
    if (!details) throw new CrmError('unavailable', 'Zoho answered the insert without a record');
    return { type: this.settings.module, id: details.id, fields, modifiedAt: time(details.Modified_Time) };
  }

  async update(ref: RemoteRef, fields: Partial<ContactFields>): Promise<{ modifiedAt: number | null }> {
    const answer = await this.http.request({
      method: 'PUT',
      url: await this.url(`/${ref.type}/${encodeURIComponent(ref.id)}`),
      json: { data: [this.body(fields)] },
    });
    const details = parse(writeAnswer, answer, 'the update').data[0]?.details;
    return { modifiedAt: time(details?.Modified_Time) || null };
  }

  /**
   * `PUT /{module}` with the records' ids in `data`: one item per record in
   * order; a refused record is its own `{code, message, details}` (207, or
   * 400 when none was written) and the others are written. One call per
   * module (a batch may hold Contacts and Leads).
   */
  async updateMany(updates: readonly RecordUpdate[]): Promise<RecordWriteOutcome[]> {
    const outcomes: RecordWriteOutcome[] = new Array<RecordWriteOutcome>(updates.length);
    const byModule = new Map<string, number[]>();
    updates.forEach((update, index) => byModule.set(update.ref.type, [...(byModule.get(update.ref.type) ?? []), index]));
    await Promise.all(
      [...byModule].map(async ([module, indexes]) => {
        const answer = await this.http.request({
          method: 'PUT',
          url: await this.url(`/${module}`),
          json: { data: indexes.map((index) => ({ id: updates[index]?.ref.id, ...this.body(updates[index]?.fields ?? {}) })) },
          perRecord: true,
        });
        const items = parse(batchWriteAnswer, answer, 'the batch update').data;
        indexes.forEach((index, position) => {
          const item = items[position];
          outcomes[index] = !item
            ? { ok: false, error: new CrmError('unavailable', 'Zoho answered the batch update without this record') }
            : item.code === 'SUCCESS'
              ? { ok: true, modifiedAt: time(item.details?.Modified_Time) || null }
              : {
                  ok: false,
                  error: new CrmError('validation', `Zoho ${answer.status} ${item.code}: ${item.message ?? 'no message'}`, answer.status),
                };
        });
      }),
    );
    return outcomes;
  }

  async pull(cursor: SyncCursor): Promise<PullPage> {
    const module = this.settings.module;
    const query: Record<string, string> = { fields: FIELDS.join(','), per_page: String(PAGE) };
    const headers: Record<string, string> = {};
    if (cursor.phase === 'initial') {
      query['sort_by'] = 'id';
      query['sort_order'] = 'asc';
    } else {
      query['sort_by'] = 'Modified_Time';
      query['sort_order'] = 'asc';
      // Zoho's times are to the second: re-read the last second so a change made in it is not skipped.
      headers['If-Modified-Since'] = new Date(Math.max(0, (cursor.since ?? 0) - 1000)).toISOString();
    }
    if (cursor.after) query['page_token'] = cursor.after;
    const answer = await this.http.request({ method: 'GET', url: await this.url(`/${module}`, query), headers });
    const page =
      answer.status === 204 || answer.status === 304
        ? { data: [], info: { more_records: false, next_page_token: null } }
        : parse(listAnswer, answer, 'the list');
    const contacts = page.data.map((r) => this.toContact(module, r));
    const maxSeen = Math.max(cursor.maxSeen ?? cursor.since ?? 0, ...contacts.map((c) => c.modifiedAt));
    const next = page.info.more_records ? (page.info.next_page_token ?? undefined) : undefined;
    if (cursor.phase === 'initial') {
      if (next) return { contacts, cursor: { phase: 'initial', after: next, maxSeen }, caughtUp: false };
      return { contacts, cursor: { phase: 'incremental', since: maxSeen }, caughtUp: true };
    }
    if (next) return { contacts, cursor: { phase: 'incremental', since: cursor.since, after: next, maxSeen }, caughtUp: false };
    return { contacts, cursor: { phase: 'incremental', since: maxSeen }, caughtUp: true };
  }

  /**
   * Subscribes (or renews) a notification channel on the module's contact
   * changes: Zoho then posts each change's ids to `notifyUrl` with the token.
   * A renewal is a PATCH of the channel; a channel Zoho no longer knows is
   * enabled again with POST. Answers the expiry Zoho confirmed.
   */
  async watch(channel: ZohoWatchChannel): Promise<{ expiresAt: number }> {
    const entry = {
      channel_id: channel.channelId,
      events: [`${this.settings.module}.all`],
      notify_url: channel.notifyUrl,
      token: channel.token,
      // Zoho writes times with an offset and whole seconds.
      channel_expiry: new Date(Math.floor(channel.expiresAt / 1000) * 1000).toISOString().replace('.000Z', '+00:00'),
    };
    const send = async (method: 'POST' | 'PATCH') =>
      this.http.request({ method, url: await this.url('/actions/watch'), json: { watch: [entry] } });
    let answer: CrmHttpAnswer;
    try {
      answer = await send('PATCH');
    } catch (error) {
      if (!(error instanceof CrmError) || error.kind !== 'validation') throw error;
      answer = await send('POST');
    }
    const item = parse(watchAnswer, answer, 'the watch').watch[0];
    if (item?.code !== 'SUCCESS') throw new CrmError('validation', `Zoho refused the notification channel: ${item?.code ?? 'no answer'}`);
    const expiry = item.details.events.map((event) => time(event.channel_expiry)).find((at) => at > 0);
    return { expiresAt: expiry ?? channel.expiresAt };
  }

  async logActivity(ref: RemoteRef, batch: ActivityBatch): Promise<{ id: string }> {
    const answer = await this.http.request({
      method: 'POST',
      url: await this.url('/Notes'),
      json: {
        data: [
          {
            Note_Title: `WhatsApp [parley-${batch.key}]`.slice(0, 120),
            Note_Content: [
              `WhatsApp conversation: ${batch.conversationTitle}`,
              ...batch.lines.map((line) => `${line.at} ${line.direction === 'in' ? '←' : '→'} ${line.text}`),
            ].join('\n'),
            Parent_Id: { module: { api_name: ref.type }, id: ref.id },
          },
        ],
      },
    });
    const details = parse(writeAnswer, answer, 'the note').data[0]?.details;
    if (!details) throw new CrmError('unavailable', 'Zoho answered the note without a record');
    return { id: details.id };
  }

  async findActivity(batchKey: string): Promise<{ id: string } | null> {
    const answer = await this.http.request({
      method: 'GET',
      url: await this.url('/Notes/search', {
        criteria: `(Note_Title:equals:${criteriaValue(`WhatsApp [parley-${batchKey}]`.slice(0, 120))})`,
      }),
    });
    if (answer.status === 204) return null;
    const first = parse(z.object({ data: z.array(z.object({ id: z.string() }).loose()) }), answer, 'the search').data[0];
    return first ? { id: first.id } : null;
  }

  async createDeal(ref: RemoteRef, deal: { title: string; stage: string; amount: number | null }): Promise<{ id: string }> {
    const answer = await this.http.request({
      method: 'POST',
      url: await this.url('/Deals'),
      json: {
        data: [
          {
            Deal_Name: deal.title,
            Stage: deal.stage,
            ...(deal.amount === null ? {} : { Amount: deal.amount }),
            ...(ref.type === 'Contacts' ? { Contact_Name: { id: ref.id } } : {}),
          },
        ],
      },
    });
    const details = parse(writeAnswer, answer, 'the deal').data[0]?.details;
    if (!details) throw new CrmError('unavailable', 'Zoho answered the deal without a record');
    return { id: details.id };
  }

  async createTask(ref: RemoteRef, task: { title: string; notes: string; dueAt: Date | null }): Promise<{ id: string }> {
    const answer = await this.http.request({
      method: 'POST',
      url: await this.url('/Tasks'),
      json: {
        data: [
          {
            Subject: task.title,
            Description: task.notes,
            Who_Id: { id: ref.id },
            ...(task.dueAt ? { Due_Date: task.dueAt.toISOString().slice(0, 10) } : {}),
          },
        ],
      },
    });
    const details = parse(writeAnswer, answer, 'the task').data[0]?.details;
    if (!details) throw new CrmError('unavailable', 'Zoho answered the task without a record');
    return { id: details.id };
  }

  async addNote(ref: RemoteRef, note: { text: string; at: Date }): Promise<{ id: string }> {
    const answer = await this.http.request({
      method: 'POST',
      url: await this.url('/Notes'),
      json: {
        data: [
          {
            Note_Title: (note.text.split('\n')[0] ?? '').slice(0, 120),
            Note_Content: note.text,
            Parent_Id: { module: { api_name: ref.type }, id: ref.id },
          },
        ],
      },
    });
    const details = parse(writeAnswer, answer, 'the note').data[0]?.details;
    if (!details) throw new CrmError('unavailable', 'Zoho answered the note without a record');
    return { id: details.id };
  }
}
