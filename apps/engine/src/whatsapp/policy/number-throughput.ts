import { z } from 'zod';
import type { SqlExecutor } from '../../database/sql-rows';
import { sqlRow } from '../../database/sql-rows';
import { preparedSqlRow } from '../../runtime/prepared-sql';
import { defer, type PolicyVerdict } from './policy-verdict';

const takenRow = z.object({ rate_tokens: z.number() });
const stateRow = z.object({ messages_per_second: z.number(), tokens: z.number() });

/**
 * A token bucket per business number (Meta's throughput: 80 messages/s by
 * default), kept in the number's row so every worker process draws from the
 * same bucket. Holds one second of burst. Returns null when a token was taken.
 */
export async function takeNumberToken(executor: SqlExecutor, numberId: string, now: Date): Promise<PolicyVerdict | null> {
  const refill = `least(messages_per_second::double precision,
      coalesce(rate_tokens, messages_per_second) + greatest(0, extract(epoch FROM ($2::timestamptz - coalesce(rate_at, $2::timestamptz)))) * messages_per_second)`;
  // Prepared: it runs for every send (issue 12); the look at the state below only when the bucket is empty.
  const taken = await preparedSqlRow(
    executor,
    takenRow,
    `UPDATE whatsapp_numbers SET rate_tokens = ${refill} - 1, rate_at = $2 WHERE id = $1 AND ${refill} >= 1 RETURNING rate_tokens`,
    [numberId, now],
  );
  if (taken) return null;
  const state = await sqlRow(executor, stateRow, `SELECT messages_per_second, ${refill} AS tokens FROM whatsapp_numbers WHERE id = $1`, [
    numberId,
    now,
  ]);
  if (!state) return null;
  const waitMs = Math.max(1, Math.ceil(((1 - state.tokens) / state.messages_per_second) * 1000));
  return defer(
    'number_throughput',
    new Date(now.getTime() + waitMs),
    `The number is sending at its limit of ${state.messages_per_second} messages/s; this one goes in ${waitMs} ms.`,
    {
      messagesPerSecond: state.messages_per_second,
      waitMs,
    },
  );
}
