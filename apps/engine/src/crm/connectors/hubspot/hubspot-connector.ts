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
import { classifyHubSpot } from './hubspot-errors';
import { fromHubSpotProperties, HUBSPOT_READ_PROPERTIES, toHubSpotProperties } from './hubspot-fields';

export interface HubSpotCredentials {
  /** A private app token, or OAuth client id / secret / refresh token. */
  privateAppToken?: string;
  oauth?: { clientId: string; clientSecret: string; refreshToken: string };
}

export interface HubSpotSettings {
  /** api.hubapi.com, or the local simulator. */
  baseUrl: string;
  /** How long HubSpot's search may show an older version of a record; incremental pulls re-read this much. */
  searchLagMs: number;
}

const record = z.object({
  id: z.string(),
  properties: z.record(z.string(), z.string().nullable()),
  updatedAt: z.string().optional(),
});
const listAnswer = z.object({
  results: z.array(record),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});
const searchAnswer = listAnswer.extend({ total: z.number() });
const tokenAnswer = z.object({ access_token: z.string(), expires_in: z.number() });
const created = z.object({ id: z.string() });
const batchAnswer = z.object({
  results: z.array(record),
  errors: z
    .array(
      z
        .object({
          category: z.string().optional(),
          message: z.string().optional(),
          context: z
            .object({ ids: z.array(z.string()) })
            .loose()
            .optional(),
        })
        .loose(),
    )
    .optional(),
});

const PAGE = 100;
const SEARCH_PAGE = 200;
// HubSpot refuses search paging past 10,000 results; the cursor moves on before that.
const SEARCH_OFFSET_LIMIT = 9_800;

function parse<T>(schema: z.ZodType<T>, answer: CrmHttpAnswer, what: string): T {
  const parsed = schema.safeParse(answer.body);
  if (!parsed.success) throw new CrmError('unavailable', `HubSpot answered ${what} in an unexpected shape: ${parsed.error.message}`);
  return parsed.data;
}

function toContact(r: z.infer<typeof record>): RemoteContact {
  const modified = Date.parse(r.properties['lastmodifieddate'] ?? r.updatedAt ?? '');
  return { type: 'contacts', id: r.id, fields: fromHubSpotProperties(r.properties), modifiedAt: Number.isNaN(modified) ? 0 : modified };
}

/**
 * HubSpot CRM v3: contacts found by phone through search (HubSpot dedupes
 * only on email), written by id, deals in the default pipeline,
 * communications (WhatsApp channel) for chat history, tasks. Limits: the
 * X-HubSpot-RateLimit-* headers hold calls when the burst window is about to
 * run out; a 429 waits its interval; the daily allowance is tracked.
 */
export class HubSpotConnector implements CrmConnector {
  readonly provider = 'hubspot' as const;
  /** `POST /crm/v3/objects/contacts/batch/update` takes at most 100 inputs. */
  readonly batchLimit = 100;
  private readonly http: CrmHttp;
  private accessToken: string | null = null;
  private intervalMs = 10_000;
  private readonly quotaState: QuotaSnapshot = {
    dailyRemaining: null,
    dailyMax: null,
    burstRemaining: null,
    callsMade: 0,
    observedAt: null,
  };

  constructor(
    private readonly settings: HubSpotSettings,
    private readonly credentials: HubSpotCredentials,
    httpOptions: Partial<CrmHttpOptions> = {},
  ) {
    if (!credentials.privateAppToken && !credentials.oauth)
      throw new CrmError('auth', 'HubSpot needs a private app token or OAuth credentials');
    this.http = new CrmHttp(
      {
        classify: (answer) => classifyHubSpot(answer, this.intervalMs),
        observe: (answer) => this.observe(answer),
        authorization: async () => `Bearer ${await this.token()}`,
        refresh: credentials.oauth ? () => this.refresh() : undefined,
      },
      httpOptions,
    );
  }

  private url(path: string, query: Record<string, string> = {}): string {
    const url = new URL(path, this.settings.baseUrl);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url.toString();
  }

  private async token(): Promise<string> {
    if (this.credentials.privateAppToken) return this.credentials.privateAppToken;
    if (!this.accessToken) await this.refresh();
    return this.accessToken ?? '';
  }

  private async refresh(): Promise<void> {
    const oauth = this.credentials.oauth;
    if (!oauth) throw new CrmError('auth', 'a private app token cannot be refreshed');
    const answer = await requestRefreshedToken(this.http, this.url('/oauth/v1/token'), oauth);
    this.accessToken = parse(tokenAnswer, answer, 'the token request').access_token;
  }

  private observe(answer: CrmHttpAnswer): void {
    const h = answer.headers;
    const number = (name: string) => {
      const value = h.get(name);
      return value === null ? null : Number(value);
    };
    this.quotaState.callsMade = this.http?.calls ?? 0;
    const interval = number('x-hubspot-ratelimit-interval-milliseconds');
    if (interval) this.intervalMs = interval;
    const remaining = number('x-hubspot-ratelimit-remaining');
    if (remaining !== null) {
      this.quotaState.burstRemaining = remaining;
      this.quotaState.observedAt = new Date().toISOString();
      // The last call of the window: hold the next ones until it rolls, rather than spend a call on a 429.
      if (remaining <= 0 && answer.status !== 429) this.http.holdUntil(Date.now() + this.intervalMs);
    }
    const daily = number('x-hubspot-ratelimit-daily-remaining');
    if (daily !== null) {
      this.quotaState.dailyRemaining = daily;
      this.quotaState.dailyMax = number('x-hubspot-ratelimit-daily');
    }
  }

  quota(): QuotaSnapshot {
    return { ...this.quotaState, callsMade: this.http.calls };
  }

  async test(): Promise<{ account: string }> {
    const answer = await this.http.request({ method: 'GET', url: this.url('/crm/v3/objects/contacts', { limit: '1' }) });
    parse(listAnswer, answer, 'the contact list');
    return { account: new URL(this.settings.baseUrl).host };
  }

  async findByPhone(e164: string): Promise<RemoteContact | null> {
    const answer = await this.http.request({
      method: 'POST',
      url: this.url('/crm/v3/objects/contacts/search'),
      json: {
        filterGroups: ['phone', 'mobilephone', 'hs_whatsapp_phone_number'].map((propertyName) => ({
          filters: [{ propertyName, operator: 'EQ', value: e164 }],
        })),
        properties: HUBSPOT_READ_PROPERTIES,
        sorts: [{ propertyName: 'createdate', direction: 'ASCENDING' }],
        limit: 10,
      },
    });
    // HubSpot keeps several contacts with one number; the oldest is the one Parley links (the others are duplicates to merge there).
    const first = parse(searchAnswer, answer, 'the search').results[0];
    return first ? toContact(first) : null;
  }

  async get(ref: RemoteRef): Promise<RemoteContact | null> {
    try {
      const answer = await this.http.request({
        method: 'GET',
        url: this.url(`/crm/v3/objects/contacts/${encodeURIComponent(ref.id)}`, { properties: HUBSPOT_READ_PROPERTIES.join(',') }),
      });
      return toContact(parse(record, answer, 'the contact'));
    } catch (error) {
      if (error instanceof CrmError && error.kind === 'not_found') return null;
      throw error;
    }
  }

  /** `batch/read` (≤100 ids): missing ids come back as a 207 `OBJECT_NOT_FOUND` error and are left out. */
  async getMany(_type: string, ids: readonly string[]): Promise<RemoteContact[]> {
    if (ids.length === 0) return [];
    const answer = await this.http.request({
      method: 'POST',
      url: this.url('/crm/v3/objects/contacts/batch/read'),
      json: { properties: HUBSPOT_READ_PROPERTIES, inputs: ids.map((id) => ({ id })) },
    });
    return parse(batchAnswer, answer, 'the batch read').results.map(toContact);
  }

  async create(fields: ContactFields): Promise<RemoteContact> {
    const answer = await this.http.request({
      method: 'POST',
      url: this.url('/crm/v3/objects/contacts'),
      json: { properties: toHubSpotProperties(fields) },
    });
    return toContact(parse(record, answer, 'the new contact'));
  }

  async update(ref: RemoteRef, fields: Partial<ContactFields>): Promise<{ modifiedAt: number | null }> {
    const answer = await this.http.request({
      method: 'PATCH',
      url: this.url(`/crm/v3/objects/contacts/${encodeURIComponent(ref.id)}`),
      json: { properties: toHubSpotProperties(fields) },
    });
    const modifiedAt = toContact(parse(record, answer, 'the updated contact')).modifiedAt;
    return { modifiedAt: modifiedAt || null };
  }

  /**
   * `batch/update`: records HubSpot cannot find come back in `errors`
   * (`OBJECT_NOT_FOUND`, `context.ids`, answer 207) while the others are
   * written. A property HubSpot refuses fails the whole batch (400) with
   * nothing written; the batch is then sent record by record so only the
   * refused record fails.
   */
  async updateMany(updates: readonly RecordUpdate[]): Promise<RecordWriteOutcome[]> {
    if (updates.length === 0) return [];
    let answer: CrmHttpAnswer;
    try {
      answer = await this.http.request({
        method: 'POST',
        url: this.url('/crm/v3/objects/contacts/batch/update'),
        json: { inputs: updates.map((update) => ({ id: update.ref.id, properties: toHubSpotProperties(update.fields) })) },
      });
    } catch (error) {
      if (!(error instanceof CrmError && error.kind === 'validation') || updates.length === 1) throw error;
      return Promise.all(updates.map((update) => this.updateOne(update)));
    }
    const parsed = parse(batchAnswer, answer, 'the batch update');
    const written = new Map(parsed.results.map((result) => [result.id, toContact(result).modifiedAt]));
    const refused = new Map<string, CrmError>();
    for (const error of parsed.errors ?? []) {
      const kind = error.category === 'OBJECT_NOT_FOUND' ? 'not_found' : 'validation';
      for (const id of error.context?.ids ?? [])
        refused.set(id, new CrmError(kind, `HubSpot ${error.category ?? 'error'}: ${error.message ?? ''}`, answer.status));
    }
    return updates.map((update): RecordWriteOutcome => {
      const modifiedAt = written.get(update.ref.id);
      if (modifiedAt !== undefined) return { ok: true, modifiedAt: modifiedAt || null };
      return {
        ok: false,
        error: refused.get(update.ref.id) ?? new CrmError('unavailable', `HubSpot's batch answer left out ${update.ref.id}`),
      };
    });
  }

  private async updateOne(update: RecordUpdate): Promise<RecordWriteOutcome> {
    try {
      const { modifiedAt } = await this.update(update.ref, update.fields);
      return { ok: true, modifiedAt };
    } catch (error) {
      if (error instanceof CrmError && (error.kind === 'validation' || error.kind === 'not_found')) return { ok: false, error };
      throw error;
    }
  }

  async pull(cursor: SyncCursor): Promise<PullPage> {
    if (cursor.phase === 'initial') {
      const query: Record<string, string> = { limit: String(PAGE), properties: HUBSPOT_READ_PROPERTIES.join(',') };
      if (cursor.after) query['after'] = cursor.after;
      const page = parse(
        listAnswer,
        await this.http.request({ method: 'GET', url: this.url('/crm/v3/objects/contacts', query) }),
        'the list',
      );
      const contacts = page.results.map(toContact);
      const maxSeen = Math.max(cursor.maxSeen ?? 0, ...contacts.map((c) => c.modifiedAt));
      const after = page.paging?.next?.after;
      if (after) return { contacts, cursor: { phase: 'initial', after, maxSeen }, caughtUp: false };
      return { contacts, cursor: { phase: 'incremental', since: maxSeen }, caughtUp: true };
    }
    const since = cursor.since ?? 0;
    const offset = Number(cursor.after ?? '0');
    const answer = await this.http.request({
      method: 'POST',
      url: this.url('/crm/v3/objects/contacts/search'),
      json: {
        // Search shows a change only after its index lag: re-read that window so no change slips past the cursor.
        filterGroups: [
          {
            filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(Math.max(0, since - this.settings.searchLagMs)) }],
          },
        ],
        sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
        properties: HUBSPOT_READ_PROPERTIES,
        limit: SEARCH_PAGE,
        ...(offset > 0 ? { after: String(offset) } : {}),
      },
    });
    const page = parse(searchAnswer, answer, 'the search');
    const contacts = page.results.map(toContact);
    const maxSeen = Math.max(since, ...contacts.map((c) => c.modifiedAt));
    const next = page.paging?.next?.after;
    if (next && Number(next) < SEARCH_OFFSET_LIMIT)
      return { contacts, cursor: { phase: 'incremental', since, after: next }, caughtUp: false };
    return { contacts, cursor: { phase: 'incremental', since: maxSeen }, caughtUp: !next };
  }

  async logActivity(ref: RemoteRef, batch: ActivityBatch): Promise<{ id: string }> {
    const body = [
      `WhatsApp conversation: ${batch.conversationTitle}`,
      ...batch.lines.map((line) => `${line.at} ${line.direction === 'in' ? '←' : '→'} ${line.text}`),
      `[parley:${batch.key}]`,
    ].join('\n');
    const answer = await this.http.request({
      method: 'POST',
      url: this.url('/crm/v3/objects/communications'),
      json: {
        properties: {
          hs_communication_channel_type: 'WHATS_APP',
          hs_communication_logged_from: 'CRM',
          hs_communication_body: body,
          hs_timestamp: batch.lines.at(-1)?.at ?? new Date().toISOString(),
        },
        associations: [{ to: { id: ref.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 81 }] }],
      },
    });
    return parse(created, answer, 'the communication');
  }

  /** A batch logged before a crash is found by its marker (call after the search lag has passed). */
  async findActivity(batchKey: string): Promise<{ id: string } | null> {
    const answer = await this.http.request({
      method: 'POST',
      url: this.url('/crm/v3/objects/communications/search'),
      json: { query: `[parley:${batchKey}]`, properties: ['hs_communication_body'], limit: 1 },
    });
    return parse(searchAnswer, answer, 'the search').results[0] ?? null;
  }

  async createDeal(ref: RemoteRef, deal: { title: string; stage: string; amount: number | null }): Promise<{ id: string }> {
    const answer = await this.http.request({
      method: 'POST',
      url: this.url('/crm/v3/objects/deals'),
      json: {
        properties: {
          dealname: deal.title,
          pipeline: 'default',
          dealstage: deal.stage,
          ...(deal.amount === null ? {} : { amount: String(deal.amount) }),
        },
        associations: [{ to: { id: ref.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }],
      },
    });
    return parse(created, answer, 'the deal');
  }

  async createTask(ref: RemoteRef, task: { title: string; notes: string; dueAt: Date | null }): Promise<{ id: string }> {
    const answer = await this.http.request({
      method: 'POST',
      url: this.url('/crm/v3/objects/tasks'),
      json: {
        properties: {
          hs_task_subject: task.title,
          hs_task_body: task.notes,
          hs_task_status: 'NOT_STARTED',
          hs_timestamp: (task.dueAt ?? new Date()).toISOString(),
        },
        associations: [{ to: { id: ref.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] }],
      },
    });
    return parse(created, answer, 'the task');
  }

  async addNote(ref: RemoteRef, note: { text: string; at: Date }): Promise<{ id: string }> {
    const answer = await this.http.request({
      method: 'POST',
      url: this.url('/crm/v3/objects/notes'),
      json: {
        properties: { hs_note_body: note.text, hs_timestamp: note.at.toISOString() },
        associations: [{ to: { id: ref.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }],
      },
    });
    return parse(created, answer, 'the note');
  }
}
