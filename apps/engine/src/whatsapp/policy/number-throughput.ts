import { z } from 'zod';
import type { SqlExecutor } from '../../database/sql-rows';
import { preparedSqlRow } from '../../runtime/prepared-sql';
import { defer, type PolicyVerdict } from './policy-verdict';

/**
 * The most tokens one process may take from a number's bucket at once: a tenth of a second's worth (8 at Meta's
 * default 80/s, 100 at 1,000/s), at least 1. Below 20/s every take is a single token, as before blocks existed.
 */
export function largestBlock(messagesPerSecond: number): number {
  return Math.max(1, Math.floor(messagesPerSecond / 10));
}

/**
 * How long the tokens of a block stay spendable after it was taken: the time the number needs to earn what a
 * process holds beyond the token it spends at once, (block - 1) / rate. A token never spent in that time lapses.
 */
export function blockLeaseMs(messagesPerSecond: number): number {
  return ((largestBlock(messagesPerSecond) - 1) / messagesPerSecond) * 1000;
}

/**
 * The bucket after refilling up to `$2`, in SQL (columns of `whatsapp_numbers`). It holds one second of burst less
 * what a process may hold unspent (largest block - 1): a token held for at most `blockLeaseMs` was earned at most
 * that long before it is spent, so over any window of T seconds at most rate x (1 + T) sends leave, across all
 * processes, exactly the bound of a bucket of one second taken one token per send.
 */
const REFILLED = `least(messages_per_second::double precision - (greatest(1, floor(messages_per_second / 10.0)) - 1),
      coalesce(rate_tokens, messages_per_second) + greatest(0, extract(epoch FROM ($2::timestamptz - coalesce(rate_at, $2::timestamptz)))) * messages_per_second)`;

/**
 * Takes up to `$3` tokens (never more than the largest block, never more than the bucket holds) in one statement,
 * and answers the bucket's state either way, so an empty bucket's wait needs no second look. The row is read FOR
 * UPDATE so the grant is computed from the version the UPDATE changes (read committed would otherwise compute it
 * from the statement's snapshot when another process took tokens meanwhile).
 */
const RESERVE_SQL = `
  WITH bucket AS (
    SELECT id, messages_per_second, ${REFILLED} AS tokens FROM whatsapp_numbers WHERE id = $1 FOR NO KEY UPDATE),
  grant_ AS (
    SELECT id, least($3::double precision, greatest(1, floor(messages_per_second / 10.0))::double precision, floor(tokens)) AS n, tokens
      FROM bucket WHERE tokens >= 1),
  taken AS (
    UPDATE whatsapp_numbers w SET rate_tokens = g.tokens - g.n, rate_at = $2 FROM grant_ g WHERE w.id = g.id RETURNING g.n)
  SELECT b.messages_per_second, b.tokens, coalesce((SELECT n FROM taken), 0)::int AS granted FROM bucket b`;
const reservedRow = z.object({ messages_per_second: z.number(), tokens: z.number(), granted: z.number() });

/** What one reservation found: tokens granted (0 when the bucket had less than one), and the bucket it took them from. */
export interface Reservation {
  granted: number;
  messagesPerSecond: number;
  /** The bucket before the grant. */
  tokens: number;
}

/**
 * Takes up to `wanted` tokens of the number's bucket (Meta's throughput: 80 messages/s by default), kept in the
 * number's row so every process draws from the same bucket. Null when the number is gone.
 */
export async function reserveNumberTokens(executor: SqlExecutor, numberId: string, now: Date, wanted: number): Promise<Reservation | null> {
  const row = await preparedSqlRow(executor, reservedRow, RESERVE_SQL, [numberId, now, Math.max(1, Math.floor(wanted))]);
  return row ? { granted: row.granted, messagesPerSecond: row.messages_per_second, tokens: row.tokens } : null;
}

/** The deferral of a send that found the bucket empty: it goes when the bucket next holds a whole token. */
export function throughputDeferral(reservation: Reservation, now: Date): PolicyVerdict {
  const mps = reservation.messagesPerSecond;
  const waitMs = Math.max(1, Math.ceil(((1 - reservation.tokens) / mps) * 1000));
  return defer(
    'number_throughput',
    new Date(now.getTime() + waitMs),
    `The number is sending at its limit of ${mps} messages/s; this one goes in ${waitMs} ms.`,
    { messagesPerSecond: mps, waitMs },
  );
}
