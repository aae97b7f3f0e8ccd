import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import type { EngineConfig } from '../../config/engine-config';
import { ENGINE_CONFIG } from '../../config/engine-config.token';
import type { SqlExecutor } from '../../database/sql-rows';
import { blockLeaseMs, largestBlock, reserveNumberTokens, type Reservation, throughputDeferral } from './number-throughput';
import type { PolicyVerdict } from './policy-verdict';

/** After losing the budget's connection, how long to take tokens in the caller's transaction before connecting again. */
const RECONNECT_AFTER_MS = 5000;
/** A reservation that takes longer than this gives up (the connection is dropped); the send takes its token on `db`. */
const RESERVE_TIMEOUT_MS = 2000;

/** Tokens this process took from a number's bucket and has not spent yet. */
interface Block {
  /** How many it took. */
  size: number;
  left: number;
  /** When the unspent ones lapse (ms, on the caller's clock). */
  lapsesAt: number;
  largest: number;
}

/** A number whose bucket was empty at the last look: sends before `until` are deferred to it without a statement. */
interface Empty {
  until: number;
  reservation: Reservation;
}

/**
 * The per-number send budget of this process (issue 12): instead of updating the number's shared row for every send
 * inside the send's transaction (every send of every process then queued on that row until its transaction
 * committed), a process takes a block of tokens in one statement on a connection of its own, committed at once, and
 * spends them in memory. The row stays the one bucket of all processes (see `number-throughput.ts` for why the limit
 * holds across them); a process that dies loses at most its block's unspent tokens, which only slows the number.
 *
 * The block grows while this process spends all of it before it lapses (doubling, up to a tenth of a second's worth)
 * and shrinks to what was spent when tokens lapsed, so a quiet process takes one token at a time and wastes none.
 * Without its connection (not yet up, lost, timed out) a send takes a single token on `db`, the caller's transaction,
 * as before blocks existed.
 */
@Injectable()
export class NumberBudget implements OnApplicationShutdown {
  private readonly logger = new Logger('NumberBudget');
  private readonly blocks = new Map<string, Block>();
  private readonly empty = new Map<string, Empty>();
  /** One reservation per number at a time; other sends of the number wait for it and spend from what it took. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private client: Client | null = null;
  private connecting = false;
  private retryAt = 0;
  private closed = false;
  /** Statements this process ran to take tokens (its own connection and the fallback): for its spec and the bench. */
  reservations = 0;

  constructor(@Inject(ENGINE_CONFIG) private readonly config: Pick<EngineConfig, 'DATABASE_URL'>) {}

  /**
   * Takes one token of the number's budget for a send at `now`. Null when the send may go now; a deferral naming
   * when the number has a token again otherwise. `db`: where to take it when this process has no connection of its
   * own for the budget (the send's transaction: the token then commits, or rolls back, with the claim).
   */
  async take(numberId: string, now: Date, db: SqlExecutor): Promise<PolicyVerdict | null> {
    const at = now.getTime();
    for (;;) {
      const block = this.blocks.get(numberId);
      if (block && block.left > 0 && at < block.lapsesAt) {
        block.left -= 1;
        return null;
      }
      const empty = this.empty.get(numberId);
      if (empty && at < empty.until) return throughputDeferral(empty.reservation, now);
      const running = this.inFlight.get(numberId);
      if (running) {
        await running;
        continue;
      }
      const client = this.connection();
      if (!client) return this.takeOne(numberId, now, db);
      let outcome: PolicyVerdict | null | 'fallback' = null;
      const reserving = this.reserve(client, numberId, now).then((result) => {
        outcome = result;
      });
      this.inFlight.set(numberId, reserving);
      try {
        await reserving;
      } finally {
        this.inFlight.delete(numberId);
      }
      if (outcome === 'fallback') return this.takeOne(numberId, now, db);
      return outcome;
    }
  }

  /** Whether blocks are taken on the budget's own connection now (else single tokens on the caller's `db`). */
  get connected(): boolean {
    return this.client !== null;
  }

  /** Starts connecting the budget's own connection, if it is not up (a process that sends connects at its first send). */
  connect(): void {
    this.connection();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  /** Takes a block on the budget's own connection; spends its first token for this send. */
  private async reserve(client: Client, numberId: string, now: Date): Promise<PolicyVerdict | null | 'fallback'> {
    const at = now.getTime();
    const wanted = this.nextSize(this.blocks.get(numberId), at);
    let reservation: Reservation | null;
    try {
      this.reservations += 1;
      reservation = await reserveNumberTokens(executorOf(client), numberId, now, wanted);
    } catch (error) {
      // Whatever it took, if anything, stays taken: lost tokens only slow the number down.
      this.drop(client, error instanceof Error ? error.message : String(error));
      return 'fallback';
    }
    if (!reservation) return null;
    if (reservation.granted < 1) {
      const verdict = throughputDeferral(reservation, now);
      if (verdict.verdict === 'defer') this.empty.set(numberId, { until: verdict.until.getTime(), reservation });
      this.blocks.delete(numberId);
      return verdict;
    }
    this.empty.delete(numberId);
    const mps = reservation.messagesPerSecond;
    this.blocks.set(numberId, {
      size: reservation.granted,
      left: reservation.granted - 1,
      lapsesAt: at + blockLeaseMs(mps),
      largest: largestBlock(mps),
    });
    return null;
  }

  /** Doubles a block this process spent in full before it lapsed; shrinks to what was spent of one that lapsed. */
  private nextSize(last: Block | undefined, at: number): number {
    if (!last) return 1;
    if (last.left === 0 && at < last.lapsesAt) return Math.min(last.largest, last.size * 2);
    return Math.max(1, Math.min(last.largest, last.size - last.left));
  }

  /** One token in the caller's transaction (no connection of our own). */
  private async takeOne(numberId: string, now: Date, db: SqlExecutor): Promise<PolicyVerdict | null> {
    this.reservations += 1;
    const reservation = await reserveNumberTokens(db, numberId, now, 1);
    if (!reservation || reservation.granted >= 1) return null;
    return throughputDeferral(reservation, now);
  }

  /** The budget's connection when it is up; starts connecting it in the background when it is not. */
  private connection(): Client | null {
    if (this.client) return this.client;
    if (this.connecting || this.closed || Date.now() < this.retryAt) return null;
    this.connecting = true;
    const client = new Client({
      connectionString: this.config.DATABASE_URL,
      application_name: 'parley-number-budget',
      query_timeout: RESERVE_TIMEOUT_MS,
      connectionTimeoutMillis: RESERVE_TIMEOUT_MS,
    });
    client.on('error', (error) => this.drop(client, error.message));
    client.on('end', () => this.drop(client, 'ended'));
    void (async () => {
      try {
        await client.connect();
        if (this.closed) {
          await client.end();
          return;
        }
        this.client = client;
      } catch (error) {
        this.retryAt = Date.now() + RECONNECT_AFTER_MS;
        this.logger.warn(`Could not connect the send budget: ${error instanceof Error ? error.message : String(error)}`);
        await client.end().catch(() => undefined);
      } finally {
        this.connecting = false;
      }
    })();
    return null;
  }

  private drop(client: Client, reason: string): void {
    if (this.client !== client) return;
    this.logger.warn(`The send budget lost its connection (${reason}); sends take their token in their own transaction meanwhile`);
    this.client = null;
    this.retryAt = Date.now() + RECONNECT_AFTER_MS;
    void client.end().catch(() => undefined);
  }
}

const statementNames = new Map<string, string>();

/** The budget's connection as an executor: its one statement prepared once (named), rows as `sqlRows` expects them. */
function executorOf(client: Client): SqlExecutor {
  return {
    query: async (sql, parameters) => {
      let name = statementNames.get(sql);
      if (name === undefined) {
        name = `parley_budget_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
        statementNames.set(sql, name);
      }
      const result = await client.query({ name, text: sql, values: parameters ?? [] });
      return result.rows;
    },
  };
}
