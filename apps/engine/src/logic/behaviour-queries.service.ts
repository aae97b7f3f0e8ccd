import { Injectable } from '@nestjs/common';
import { parseWindow } from '@parley/flow-core';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { sqlRow, sqlRows } from '../database/sql-rows';
import type { BehaviourCall } from './behaviour-call';
import type { IntentMatcher } from './intent-matcher';
import type { SentimentScorer } from './sentiment-scorer';
import { type EventFilter, eventPassesFilter, filterNeedsPayload, readEventFilter } from './event-filter';

export interface BehaviourScope {
  contactId: string;
  now: Date;
  intents: IntentMatcher;
  sentiment: SentimentScorer;
}

interface TypedFilter extends EventFilter {
  types: string[];
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Text-filtered scans read the contact's events in pages of this many, newest first. */
const PAGE = 2000;

const payloadRow = z.object({ id: z.string(), type: z.string(), payload: z.record(z.string(), z.unknown()), occurred_at: z.date() });
/** Only the payload fields filters read (text for intents and words, the tapped reply's id). */
const FILTER_PAYLOAD = `jsonb_build_object('text', payload->'text', 'replyId', payload->'replyId', 'callbackKey', payload->'callbackKey')`;

function readFilter(raw: unknown): TypedFilter {
  const type = typeof raw === 'object' && raw !== null && 'type' in raw ? raw.type : undefined;
  const types = Array.isArray(type)
    ? type.filter((t): t is string => typeof t === 'string')
    : typeof type === 'string'
      ? [type]
      : ['message.received'];
  return { ...readEventFilter(raw), types };
}

/**
 * Answers the behaviour operators of conditions from the contact's stored
 * events. Events are unique by source id and dated by their own timestamp, so
 * redelivered or late webhooks neither inflate nor misplace a count.
 */
@Injectable()
export class BehaviourQueriesService {
  constructor(private readonly dataSource: DataSource) {}

  async compute(call: BehaviourCall, scope: BehaviourScope): Promise<number | boolean> {
    switch (call.operator) {
      case 'events_count':
        return this.eventsCount(readFilter(call.args[0]), parseWindow(call.args[1]), parseWindow(call.args[2] ?? 0) ?? 0, scope);
      case 'consecutive':
        return this.consecutive(readFilter(call.args[0]), Number(call.args[1]), scope);
      case 'since_last':
        return this.sinceLast(readFilter(call.args[0]), UNIT_MS[String(call.args[1] ?? 'h')] ?? UNIT_MS['h'] ?? 3_600_000, scope);
      case 'conversation_sentiment':
        return this.conversationSentiment(scope);
    }
  }

  private matches(filter: TypedFilter, type: string, payload: Record<string, unknown>, scope: BehaviourScope): boolean {
    return filter.types.includes(type) && eventPassesFilter(filter, payload, scope.intents);
  }

  private async eventsCount(
    filter: TypedFilter,
    windowSeconds: number | null | undefined,
    offsetSeconds: number,
    scope: BehaviourScope,
  ): Promise<number> {
    const to = new Date(scope.now.getTime() - offsetSeconds * 1000);
    const from = windowSeconds === null || windowSeconds === undefined ? null : new Date(to.getTime() - windowSeconds * 1000);
    if (!filterNeedsPayload(filter)) {
      const row = await sqlRow(
        this.dataSource,
        z.object({ n: z.number() }),
        `SELECT count(*)::int AS n FROM events
          WHERE contact_id = $1 AND type = ANY($2) AND occurred_at <= $3 AND ($4::timestamptz IS NULL OR occurred_at > $4)`,
        [scope.contactId, filter.types, to, from],
      );
      return row?.n ?? 0;
    }
    let count = 0;
    for await (const page of this.pages(filter, to, from, scope))
      count += page.filter((r) => this.matches(filter, r.type, r.payload, scope)).length;
    return count;
  }

  /**
   * The contact's events of the filter's types in (from, to], newest first, a
   * page at a time (keyset on time and id), so a long window is counted in
   * full without holding it all in memory.
   */
  private async *pages(
    filter: TypedFilter,
    to: Date,
    from: Date | null,
    scope: BehaviourScope,
  ): AsyncGenerator<z.infer<typeof payloadRow>[]> {
    let cursor: { at: Date; id: string } | null = null;
    for (;;) {
      const rows: z.infer<typeof payloadRow>[] = await sqlRows(
        this.dataSource,
        payloadRow,
        `SELECT id::text AS id, type, ${FILTER_PAYLOAD} AS payload, occurred_at FROM events
          WHERE contact_id = $1 AND type = ANY($2) AND occurred_at <= $3 AND ($4::timestamptz IS NULL OR occurred_at > $4)
            AND ($5::timestamptz IS NULL OR (occurred_at, id) < ($5, $6::bigint))
          ORDER BY occurred_at DESC, id DESC LIMIT ${PAGE}`,
        [scope.contactId, filter.types, to, from, cursor?.at ?? null, cursor?.id ?? null],
      );
      if (rows.length > 0) yield rows;
      const last = rows[rows.length - 1];
      if (rows.length < PAGE || !last) return;
      cursor = { at: last.occurred_at, id: last.id };
    }
  }

  private async consecutive(filter: TypedFilter, n: number, scope: BehaviourScope): Promise<boolean> {
    // "In a row" is about the contact's own messages, whatever the filter's type.
    const rows = await sqlRows(
      this.dataSource,
      payloadRow,
      `SELECT id::text AS id, type, ${FILTER_PAYLOAD} AS payload, occurred_at FROM events
        WHERE contact_id = $1 AND type = 'message.received' AND occurred_at <= $2
        ORDER BY occurred_at DESC, id DESC LIMIT $3`,
      [scope.contactId, scope.now, n],
    );
    const messageFilter = { ...filter, types: ['message.received'] };
    return rows.length === n && rows.every((r) => this.matches(messageFilter, r.type, r.payload, scope));
  }

  private async sinceLast(filter: TypedFilter, unitMs: number, scope: BehaviourScope): Promise<number> {
    let last: Date | null = null;
    if (!filterNeedsPayload(filter)) {
      const row = await sqlRow(
        this.dataSource,
        z.object({ last: z.date().nullable() }),
        'SELECT max(occurred_at) AS last FROM events WHERE contact_id = $1 AND type = ANY($2) AND occurred_at <= $3',
        [scope.contactId, filter.types, scope.now],
      );
      last = row?.last ?? null;
    } else {
      for await (const page of this.pages(filter, scope.now, null, scope)) {
        last = page.find((r) => this.matches(filter, r.type, r.payload, scope))?.occurred_at ?? null;
        if (last !== null) break;
      }
    }
    // Never seen reads as "forever ago", so "no order for 72 h" holds for someone who never ordered.
    return last === null ? Number.POSITIVE_INFINITY : (scope.now.getTime() - last.getTime()) / unitMs;
  }

  private async conversationSentiment(scope: BehaviourScope): Promise<number> {
    const rows = await sqlRows(
      this.dataSource,
      z.object({ text: z.string().nullable(), occurred_at: z.date() }),
      `WITH last AS (SELECT max(occurred_at) AS at FROM messages WHERE contact_id = $1 AND direction = 'inbound' AND occurred_at <= $2)
       SELECT m.text, m.occurred_at FROM messages m, last
        WHERE m.contact_id = $1 AND m.direction = 'inbound' AND m.occurred_at <= last.at AND m.occurred_at > last.at - interval '24 hours'`,
      [scope.contactId, scope.now],
    );
    const texts = rows.map((r) => r.text).filter((t): t is string => t !== null && t.trim() !== '');
    if (texts.length === 0) return 0.5;
    return texts.reduce((sum, text) => sum + scope.sentiment.score(text), 0) / texts.length;
  }
}
