import { Clock } from './clock';

/**
 * The clock due times live on: PostgreSQL's `now()`, the one clock every
 * engine process shares. A host whose clock steps (NTP, a VM resumed) would
 * otherwise fire waits early or late, by its own error, and disagree with the
 * other processes. SQL reads it as `coalesce($n::timestamptz, now())` with
 * `$n` = `fixed()`, so tests can pin it without a clock of the database's own.
 */
export abstract class DatabaseClock {
  /** The time to use instead of the database's `now()`; null in production. */
  abstract fixed(): Date | null;
}

/** PostgreSQL's own clock. */
export class PostgresClock extends DatabaseClock {
  fixed(): null {
    return null;
  }
}

/** Tests: the database's time is whatever `source` says (a hand-moved clock). */
export class FixedDatabaseClock extends DatabaseClock {
  constructor(private readonly source: Clock) {
    super();
  }

  fixed(): Date {
    return this.source.now();
  }
}
