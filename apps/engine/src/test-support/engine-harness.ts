import type { INestApplication } from '@nestjs/common';
import { type RunningSimulator, startSimulator } from '@parley/whatsapp-simulator';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { ManualClock } from './manual-clock';
import { FixedDatabaseClock, PostgresClock } from '../common/database-clock';
import { type EngineConfig, loadEngineConfig } from '../config/engine-config';
import { createEngineApp } from '../create-engine-app';
import { Queue } from 'bullmq';
import type { DestinationStream } from 'pino';
import { InProcessDispatcher } from '../dispatch/in-process-dispatcher';
import { SweeperService } from '../orchestration/sweeper.service';
import { WORK_QUEUE } from '../dispatch/work-queue';
import { SchedulerService } from '../orchestration/scheduler.service';
import { WaitTimerService } from '../orchestration/wait-timer.service';
import { UsersService } from '../users/users.service';
import type { UserRole } from '../users/user-role';
import { WhatsAppNumbersService } from '../whatsapp/whatsapp-numbers.service';
import { Workspace } from '../workspaces/workspace.entity';
import { type ApiClient, apiClient } from './api-client';
import { arr, obj } from './json';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface HarnessOptions {
  env?: Record<string, string>;
  clock?: ManualClock;
  /**
   * The database's clock (due times), when a test moves it apart from the
   * engine's: a clock of its own, or 'postgres' (PostgreSQL's `now()`, as in
   * production). By default the database follows `clock`, or runs on its own.
   */
  databaseClock?: ManualClock | 'postgres';
  /** Let pacing deferrals pass by themselves (see `pace`); tests of the pacing itself turn it off. Default true. */
  autoPace?: boolean;
  /** Receives the engine's JSON log lines (set `LOG_LEVEL` in `env`; the default is silent). */
  logStream?: DestinationStream;
}

export interface TestWorkspace {
  id: string;
  phoneNumberId: string;
  admin: ApiClient;
  /** Creates a user with `role` in this workspace and signs them in. */
  user(role: UserRole): Promise<ApiClient>;
}

export interface EngineHarness {
  url: string;
  config: EngineConfig;
  app: INestApplication;
  db: TestDatabase;
  dataSource: DataSource;
  simulator: RunningSimulator;
  appSecret: string;
  /** The first workspace, with an admin signed in and a simulated number. */
  workspace: TestWorkspace;
  addWorkspace(name: string): Promise<TestWorkspace>;
  anonymous: ApiClient;
  /** Resolves when in-process work is done (embedded mode only). */
  idle(): Promise<void>;
  /** Rows of a query, for assertions on stored state. */
  sql(query: string, parameters?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Number of rows in `table` (optionally matching a WHERE clause). */
  count(table: string, where?: string, parameters?: unknown[]): Promise<number>;
  /**
   * Waits until the engine has nothing left to do now: no unprocessed webhook
   * or event, no due wait, no running execution (either dispatch mode).
   */
  settle(): Promise<void>;
  /** Moves the manual clock forward, runs the scheduler, settles and lets pacing deferrals pass. */
  advance(ms: number): Promise<void>;
  /** The manual clock the harness was started with, if any. */
  clock: ManualClock | undefined;
  /**
   * With a manual clock: lets the seconds pass that the policy gate's pacing
   * asks for (about 6 s between two messages to one customer), so a reply of
   * several messages arrives whole, as it would on a phone. Other waits
   * (quiet hours, the flow's own delays) are left alone.
   */
  pace(workspaceId?: string): Promise<void>;
  /** Starts another engine process on the same database with other settings (e.g. a worker). */
  startPeer(env: Record<string, string>): Promise<INestApplication>;
  close(): Promise<void>;
}

const PASSWORD = 'correct horse battery staple';
/** Pacing deferrals are seconds long. */
const PACING_HORIZON_MS = 10_000;

/**
 * A real engine for integration tests: its own migrated PostgreSQL database,
 * the real HTTP stack on a free port, and the WhatsApp simulator standing in
 * for Meta (sends go to it, its webhooks come back signed).
 */
export async function startEngineHarness(options: HarnessOptions = {}): Promise<EngineHarness> {
  const db = await createTestDatabase();
  const appSecret = `app-secret-${randomBytes(4).toString('hex')}`;
  const clock = options.clock;
  const databaseClockSource = options.databaseClock === 'postgres' ? undefined : (options.databaseClock ?? clock);
  const databaseClock =
    options.databaseClock === 'postgres'
      ? new PostgresClock()
      : options.databaseClock
        ? new FixedDatabaseClock(options.databaseClock)
        : undefined;
  const simulator = await startSimulator({
    numbers: [],
    webhookRetry: { maxAttempts: 2, firstDelayMs: 50 },
    ...(clock ? { now: () => clock.now() } : {}),
  });
  const mediaDir = join(tmpdir(), `parley-media-${randomBytes(6).toString('hex')}`);
  const baseEnv: Record<string, string> = {
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '20',
    SECRETS_KEY: randomBytes(32).toString('hex'),
    WHATSAPP_APP_SECRET: appSecret,
    WHATSAPP_VERIFY_TOKEN: 'verify-me',
    WHATSAPP_API_BASE_URL: simulator.url,
    SIMULATOR_URL: simulator.url,
    LOG_LEVEL: 'silent',
    PORT: '0',
    SWEEP_INTERVAL_MS: '200',
    // Media files of this run, never the repository's .data folder.
    MEDIA_DIR: mediaDir,
    ...options.env,
  };
  const config = loadEngineConfig(baseEnv);
  const app = await createEngineApp(config, { clock: options.clock, databaseClock, checkResponses: true, logStream: options.logStream });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  simulator.setWebhook({ url: `${url}/webhooks/whatsapp`, appSecret });

  const dataSource = app.get(DataSource);
  const users = app.get(UsersService);
  const numbers = app.get(WhatsAppNumbersService);
  const anonymous = apiClient(url, null);
  let counter = 0;

  async function addWorkspace(name: string): Promise<TestWorkspace> {
    const workspace = await dataSource.getRepository(Workspace).save({ name, settings: {} });
    counter += 1;
    const phoneNumberId = String(100_000_000_000 + counter);
    const accessToken = `token-${randomBytes(8).toString('hex')}`;
    const wabaId = String(200_000 + counter);
    simulator.state.addNumber({ phoneNumberId, accessToken, displayPhoneNumber: `1555000${counter}`, wabaId });
    await numbers.create(workspace.id, { phoneNumberId, accessToken, displayPhoneNumber: `1555000${counter}`, wabaId }, null);
    async function user(role: UserRole): Promise<ApiClient> {
      counter += 1;
      const email = `${role}${counter}@example.com`;
      await users.create(workspace.id, { email, password: PASSWORD, role }, null);
      return anonymous.login(email, PASSWORD);
    }
    return { id: workspace.id, phoneNumberId, admin: await user('admin'), user };
  }

  const workspace = await addWorkspace('Test workspace');
  const peers: INestApplication[] = [];
  const queue = config.REDIS_URL ? new Queue(WORK_QUEUE, { connection: { url: config.REDIS_URL }, prefix: config.REDIS_PREFIX }) : null;

  async function drained(): Promise<void> {
    if (!queue) {
      await app.get(InProcessDispatcher, { strict: false }).whenIdle();
      return;
    }
    for (let i = 0; i < 2000; i += 1) {
      const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused');
      if (Object.values(counts).every((n) => n === 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the BullMQ queue did not drain');
  }

  async function settle(): Promise<void> {
    const due = () => databaseClockSource?.now() ?? null;
    for (let round = 0; round < 200; round += 1) {
      await app.get(WaitTimerService).dispatchDue(true);
      await drained();
      const [row] = await sql(
        `SELECT (SELECT count(*) FROM webhook_deliveries WHERE processed_at IS NULL)
              + (SELECT count(*) FROM events WHERE processed_at IS NULL)
              + (SELECT count(*) FROM waits WHERE status = 'waiting' AND due_at <= coalesce($1::timestamptz, now()))
              + (SELECT count(*) FROM executions WHERE status = 'running') AS pending`,
        [due()],
      );
      if (Number(row?.['pending']) === 0) return;
      // Work whose dispatch was lost or deduplicated is found again, as the sweeper does.
      await app.get(SweeperService).sweep(0);
    }
    throw new Error('the engine did not settle');
  }
  const sql = async (query: string, parameters: unknown[] = []): Promise<Record<string, unknown>[]> => {
    const result: unknown = await dataSource.query(query, parameters);
    return arr(result).map(obj);
  };
  const pace = async (workspaceId?: string): Promise<void> => {
    if (!clock || options.autoPace === false) return;
    for (let round = 0; round < 50; round += 1) {
      const [row] = await sql(
        `SELECT min(w.due_at) AS due FROM waits w
          WHERE ($1::uuid IS NULL OR w.workspace_id = $1) AND w.status = 'waiting' AND w.due_at <= $2
            AND EXISTS (SELECT 1 FROM execution_steps s WHERE s.execution_id = w.execution_id AND s.node_id = w.node_id
                          AND s.output->>'deferredBy' IN ('recipient_spacing', 'number_throughput'))`,
        [workspaceId ?? null, new Date(clock.now().getTime() + PACING_HORIZON_MS)],
      );
      const due = row?.['due'];
      if (!(due instanceof Date)) return;
      clock.advance(Math.max(0, due.getTime() - clock.now().getTime()) + 1);
      await app.get(SchedulerService).runOnce();
      await settle();
    }
    throw new Error('pacing never ended: a wait keeps coming due within seconds');
  };
  return {
    url,
    config,
    app,
    db,
    dataSource,
    simulator,
    appSecret,
    workspace,
    addWorkspace,
    anonymous,
    idle: async () => {
      const dispatcher = app.get(InProcessDispatcher, { strict: false });
      await dispatcher.whenIdle();
    },
    sql,
    count: async (table, where, parameters) => {
      const [row] = await sql(`SELECT count(*)::int AS n FROM ${table}${where ? ` WHERE ${where}` : ''}`, parameters);
      return Number(row?.['n']);
    },
    settle,
    advance: async (ms) => {
      if (!clock) throw new Error('advance() needs a harness started with a ManualClock');
      clock.advance(ms);
      await app.get(SchedulerService).runOnce();
      await settle();
      await pace();
    },
    clock,
    pace,
    startPeer: async (env) => {
      const peer = await createEngineApp(loadEngineConfig({ ...baseEnv, ...env }), {
        clock: options.clock,
        databaseClock,
        checkResponses: true,
      });
      await peer.listen(0, '127.0.0.1');
      peers.push(peer);
      return peer;
    },
    close: async () => {
      await queue?.close();
      for (const peer of peers) await peer.close();
      await app.close();
      await simulator.close();
      await db.drop();
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
}
