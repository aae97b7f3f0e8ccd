#!/usr/bin/env node
// Parley next to Node-RED and n8n, on the same scenario, in one run:
// a signed WhatsApp webhook (Meta's envelope, X-Hub-Signature-256) arrives,
// its text contains "price", and the system replies through the WhatsApp
// Cloud API send endpoint (POST /{version}/{phone-number-id}/messages) to a
// local sink that answers like Meta. Every message comes from a new customer.
//
// Rounds alternate between the systems (Parley, Node-RED, n8n, Parley, ...):
//   1. saturation: a closed loop of --inflight customers for --duration s;
//      completed sends/s from the round's first POST to its last send;
//   2. latency at a fixed offered rate: --latency-fraction (0.5) of each
//      system's own peak from step 1, webhook POST -> send at the sink;
//   3. with --rate=N, latency at N/s for every system as well.
// Each round also meters what it cost: CPU of the system's processes, of the
// PostgreSQL backends of its database and of the whole private cluster, and
// the database's transactions and statements (pg_stat_statements).
//
// Correctness: every price question must produce exactly one send to that
// customer, a badly signed one and one without "price" none, and nobody else
// may get a send; otherwise the run exits 1.
//
// Usage: node tools/bench/peers/peers.bench.mjs [--systems=parley,node-red] [--n8n]
//          [--parley-mode=embedded|bullmq] [--rounds=3] [--duration=20] [--rate=0] [--json]

import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import {
  BENCH,
  DEFAULT_PG,
  DEFAULT_REDIS,
  connect,
  describeMachine,
  fmt,
  isStopping,
  log,
  machineInfo,
  onCleanup,
  parseOptions,
  require2,
  run,
  sleep,
  summary,
  table,
} from '../engine/bench-lib.mjs';
import { ensureInstalled, PEERS } from './install.mjs';
import { createDriver } from './load.mjs';
import { startN8n } from './n8n.mjs';
import { startNodeRed } from './node-red.mjs';
import { NUMBER_MESSAGES_PER_SECOND, priceReplyText, startParley } from './parley.mjs';
import { startPrivatePostgres } from './private-postgres.mjs';
import { startMeter, statementsAvailable } from './resources.mjs';
import { startSink } from './sink.mjs';

const USAGE = `
node tools/bench/peers/peers.bench.mjs [options]
  --systems=parley,node-red   systems to compare, in round order (parley, node-red, n8n)
  --n8n                       add n8n ${PEERS.n8n.version} (on PostgreSQL) to --systems
  --parley-mode=embedded      embedded (one ENGINE_ROLE=all process) or bullmq (ENGINE_ROLE=api + 1 worker, Redis)
  --parley-workers=1          BullMQ workers with --parley-mode=bullmq
  --parley-cpus=              CPU affinity of Parley's processes, name=cpus;name=cpus (taskset -a -pc), e.g.
                              "parley-api=0;parley-worker-1=0;parley-worker-2=1" (names as the bench prints them)
  --rounds=3                  rounds of each measurement, alternating between the systems
  --duration=20               seconds of each round
  --inflight=64               customers waiting for their reply at once in the saturation rounds
  --latency-fraction=0.5      fixed-rate rounds at this fraction of each system's own peak (0: none)
  --rate=0                    also fixed-rate rounds at this many messages/s for every system (0: none)
  --max-outstanding=2000      a fixed-rate round stops offering beyond this many unanswered messages
  --send-timeout=60           seconds without any send arriving after which the awaited ones count as missing
  --warmup-messages=50        messages per system, one at a time, before the first round
  --pg=private                private: a PostgreSQL cluster of the bench with pg_stat_statements
                              (machine's binaries, settings copied from --machine-pg); or a server URL
  --machine-pg=URL            the machine's server (settings to copy), default ${DEFAULT_PG}
  --redis=URL                 Redis for --parley-mode=bullmq, default ${DEFAULT_REDIS}
  --parley-db-socket          Parley's engine connects to the private cluster through its Unix socket, not TCP
  --parley-env=K=V,K=V        extra engine settings for Parley (e.g. DATABASE_POOL_SIZE=20)
  --parley-cpu-prof=DIR       each Parley process writes a V8 CPU profile into DIR when it stops (node --cpu-prof)
  --pg-track=top              pg_stat_statements.track of the private cluster: top, or all (statements run by
                              triggers and functions counted on their own too, so "statements" counts them as well)
  --pg-set=K=V,K=V            extra server settings of the private cluster, e.g.
                              pg_stat_statements.track_planning=on (adds planning per statement to the tables) or
                              auto_explain's (with shared_preload_libraries=pg_stat_statements,auto_explain)
  --pg-log=FILE               the private cluster logs every statement (log_statement = all) with backend pid and
                              transaction id into FILE, to list the transactions a message causes (slows it: not
                              for timed figures)
  --n8n-env=K=V,K=V           extra settings for n8n (e.g. EXECUTIONS_DATA_SAVE_ON_SUCCESS=none)
  --install-only              install the peers into their temporary folders and exit
  --json                      print the result as JSON
  --json-out=FILE             also write the result as JSON to FILE (with Markdown on stdout)
`;

const o = parseOptions(
  {
    systems: 'parley,node-red',
    n8n: false,
    'parley-mode': 'embedded',
    'parley-workers': 1,
    'parley-cpus': '',
    'parley-db-socket': false,
    rounds: 3,
    duration: 20,
    inflight: 64,
    'latency-fraction': 0.5,
    rate: 0,
    'max-outstanding': 2000,
    'send-timeout': 60,
    'warmup-messages': 50,
    pg: 'private',
    'machine-pg': DEFAULT_PG,
    redis: DEFAULT_REDIS,
    'parley-env': '',
    'parley-cpu-prof': '',
    'pg-track': 'top',
    'pg-log': '',
    'pg-set': '',
    'n8n-env': '',
    'install-only': false,
    json: false,
    'json-out': '',
  },
  USAGE,
);
const SYSTEMS = ['parley', 'node-red', 'n8n'];
const systems = [
  ...new Set([
    ...o.systems
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    ...(o.n8n ? ['n8n'] : []),
  ]),
];
require2(systems.length > 0 && systems.every((s) => SYSTEMS.includes(s)), `--systems takes ${SYSTEMS.join(', ')}`);
require2(['embedded', 'bullmq'].includes(o['parley-mode']), '--parley-mode must be embedded or bullmq');
require2(Number.isInteger(o['parley-workers']) && o['parley-workers'] >= 1 && o['parley-workers'] <= 8, '--parley-workers must be 1..8');
/** --parley-cpus as { process name: cpu list }. */
const parleyCpus = Object.fromEntries(
  String(o['parley-cpus'])
    .split(';')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const [name, cpus] = pair.split('=');
      require2(Boolean(name) && /^[0-9,-]+$/.test(cpus ?? ''), `--parley-cpus: "${pair}" is not name=cpus`);
      return [name, cpus];
    }),
);
require2(Number.isInteger(o.rounds) && o.rounds >= 1, '--rounds must be a positive integer');
require2(o.duration >= 1, '--duration must be at least 1 s');
require2(Number.isInteger(o.inflight) && o.inflight >= 1 && o.inflight <= 1024, '--inflight must be 1..1024');
require2(o['latency-fraction'] >= 0 && o['latency-fraction'] <= 1, '--latency-fraction must be 0..1');
require2(o.rate >= 0, '--rate must be >= 0');
require2(['top', 'all'].includes(o['pg-track']), '--pg-track must be top or all');
require2(o.pg === 'private' || /^postgres(ql)?:\/\//.test(o.pg), '--pg must be "private" or a postgres:// URL');
require2(!o['parley-db-socket'] || o.pg === 'private', '--parley-db-socket needs --pg=private (its socket folder is known)');
require2(!o['pg-set'] || o.pg === 'private', "--pg-set needs --pg=private (the settings are for the bench's own cluster)");
/** `K=V,K=V` of --parley-env / --n8n-env as an object. */
function envOption(name) {
  return Object.fromEntries(
    o[name]
      .split(',')
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        require2(at > 0, `--${name}: "${pair}" is not KEY=VALUE`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
  );
}
const parleyEnv = envOption('parley-env');
const n8nEnv = envOption('n8n-env');
const API_VERSION = 'v24.0';
/**
 * How long a round's window stays open after its last send. Transaction counts (pg_stat_database) are published by
 * each backend after the fact: within a second when it goes idle, but a backend that finds the database's shared
 * entry locked by another one flushing retries only after PostgreSQL's idle interval, 10 s (PGSTAT_IDLE_INTERVAL;
 * measured here: ~560 commits of a 50-message warm-up showed up 10 s later, all at once). Statements
 * (pg_stat_statements) and CPU are counted at once; a system without a database needs no wait.
 */
const SETTLE_DB_MS = 12_000;
const SETTLE_MS = 1000;

run(async () => {
  const installs = {};
  for (const name of systems.filter((s) => s !== 'parley')) installs[name] = await ensureInstalled(name);
  if (o['install-only']) {
    for (const [name, i] of Object.entries(installs))
      process.stdout.write(`${name} ${i.version}: ${i.dir}${i.reused ? ' (already installed)' : ''}\n`);
    return 0;
  }

  // PostgreSQL: the bench's own cluster with pg_stat_statements, or a given server.
  let pgUrl = o.pg;
  let cluster = null;
  if (o.pg === 'private') {
    cluster = await startPrivatePostgres(o['machine-pg'], {
      track: o['pg-track'],
      logFile: o['pg-log'] || null,
      extra: envOption('pg-set'),
    });
    pgUrl = cluster.url;
  }
  const admin = await connect(pgUrl);
  onCleanup(() => admin.end());
  const withStatements = await statementsAvailable(admin);
  if (!withStatements) log(`pg_stat_statements is not loaded on ${pgUrl}: statements per message will not be counted`);
  const machine = await machineInfo(admin);

  const replyText = priceReplyText();
  const sink = await startSink({ apiVersion: API_VERSION, phoneNumberId: BENCH.phoneNumberId, accessToken: BENCH.accessToken, replyText });
  onCleanup(() => sink.close());
  const number = {
    phoneNumberId: BENCH.phoneNumberId,
    displayPhoneNumber: BENCH.displayPhoneNumber,
    wabaId: BENCH.wabaId,
    appSecret: BENCH.appSecret,
    accessToken: BENCH.accessToken,
  };
  const driver = createDriver(sink, number);

  const running = [];
  for (const name of systems) {
    let system;
    if (name === 'parley') {
      system = await startParley({
        pgUrl,
        socketDir: o['parley-db-socket'] ? cluster.dataDir : null,
        mode: o['parley-mode'],
        workers: o['parley-workers'],
        cpus: parleyCpus,
        redisUrl: o.redis,
        sinkUrl: sink.url,
        extraEnv: parleyEnv,
        nodeArgs: o['parley-cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${o['parley-cpu-prof']}`] : [],
      });
    } else if (name === 'node-red') {
      system = await startNodeRed({ install: installs[name], sinkUrl: sink.url, number, replyText, apiVersion: API_VERSION });
    } else {
      system = await startN8n({
        install: installs[name],
        pgUrl,
        sinkUrl: sink.url,
        number,
        replyText,
        apiVersion: API_VERSION,
        extraEnv: n8nEnv,
      });
    }
    onCleanup(() => system.stop());
    running.push(system);
  }

  const problems = [];
  const checks = {};
  const expectedChecks = { parley: [401, 200], 'node-red': [401, 200], n8n: [200, 200] };
  for (const system of running) {
    checks[system.name] = await driver.scenarioChecks(system.target, system.name);
    const [bad, other] = expectedChecks[system.name];
    const c = checks[system.name];
    // Fail at once rather than after every round: a wrong answer here means the system is not the one we started
    // (a port taken between freePort() and its listen, e.g. by a concurrent run) or its flow is not loaded.
    if (c.badSignatureStatus !== bad || c.otherTextStatus !== other)
      throw new Error(
        `${system.label} answered the scenario checks ${c.badSignatureStatus}/${c.otherTextStatus}, expected ${bad}/${other} (logs: ${system.logs.join(', ')})`,
      );
    const failures = await driver.warmUp(system.target, system.name, o['warmup-messages'], o['send-timeout'] * 1000);
    if (failures.length > 0)
      problems.push(`${system.label}: ${failures.length} warm-up messages failed (${failures.slice(0, 3).join(', ')})`);
    log(
      `${system.label}: scenario checks ${JSON.stringify(checks[system.name])}, ${o['warmup-messages'] - failures.length} of ${o['warmup-messages']} warm-up messages answered`,
    );
  }

  // What each system costs doing nothing (timers, pollers), all measured over the same seconds, once the warm-up's
  // transaction counts are published (see SETTLE_DB_MS).
  await sleep(SETTLE_DB_MS);
  // Long enough to take in the slower pollers (reports every few seconds) for the net-of-idle estimate.
  const idleSeconds = 10;
  const idleMeters = await Promise.all(running.map((s) => meterFor(s, admin, cluster, withStatements)));
  await sleep(idleSeconds * 1000);
  const idle = {};
  for (const [k, s] of running.entries()) idle[s.name] = perSecond(await idleMeters[k].stop(), idleSeconds);

  const rounds = [];
  const measure = async (system, kind, work) => {
    if (isStopping()) throw new Error('interrupted');
    if (!system.alive()) throw new Error(`${system.label} is no longer running (logs: ${system.logs.join(', ')})`);
    const meter = await meterFor(system, admin, cluster, withStatements);
    const benchCpu = process.cpuUsage();
    const load1 = os.loadavg()[0];
    const started = performance.now();
    const result = await work();
    await sleep(system.database ? SETTLE_DB_MS : SETTLE_MS);
    const cost = await meter.stop();
    const bench = process.cpuUsage(benchCpu);
    const round = {
      system: system.name,
      kind,
      ...result,
      wallSeconds: (performance.now() - started) / 1000,
      loadAverage1m: Number(load1.toFixed(2)),
      cost,
      benchCpuMs: (bench.user + bench.system) / 1000,
    };
    rounds.push(round);
    const rate = round.mode === 'saturate' ? `${fmt(round.sendsPerSecond, 1)} sends/s` : `${fmt(round.rate, 1)}/s offered`;
    const lat = summary(round.latencies);
    log(
      `${system.label} ${kind}: ${rate}, ${round.delivered}/${round.posted} sends, p50 ${fmt(lat.p50, 1)} ms, p99 ${fmt(lat.p99, 1)} ms` +
        `${round.webhookErrors ? `, ${round.webhookErrors} webhook errors` : ''}${round.missingSends ? `, ${round.missingSends} missing` : ''}${round.overloaded ? ', OVERLOADED' : ''}`,
    );
    return round;
  };

  const timeoutMs = o['send-timeout'] * 1000;
  for (let r = 1; r <= o.rounds; r += 1) {
    for (const system of running) {
      await measure(system, 'saturation', () =>
        driver.saturate(system.target, system.name, {
          seconds: o.duration,
          inflight: o.inflight,
          timeoutMs,
        }),
      );
    }
  }
  const peak = Object.fromEntries(
    running.map((s) => [s.name, median(rounds.filter((x) => x.system === s.name && x.kind === 'saturation').map((x) => x.sendsPerSecond))]),
  );
  const fixedRates = [];
  if (o['latency-fraction'] > 0) fixedRates.push({ kind: 'fraction', rateOf: (name) => Math.max(1, peak[name] * o['latency-fraction']) });
  if (o.rate > 0) fixedRates.push({ kind: 'rate', rateOf: () => o.rate });
  for (const fixed of fixedRates) {
    for (let r = 1; r <= o.rounds; r += 1) {
      for (const system of running) {
        const rate = fixed.rateOf(system.name);
        await measure(system, fixed.kind === 'fraction' ? 'fraction-of-peak' : 'fixed-rate', () =>
          driver.fixedRate(system.target, system.name, {
            rate,
            seconds: o.duration,
            timeoutMs,
            maxOutstanding: o['max-outstanding'],
          }),
        );
      }
    }
  }

  // Late duplicates get a moment to show up before the check by customer.
  await sleep(2000);
  const verified = driver.verify();
  for (const [system, list] of verified) problems.push(`${system}: ${list.length} wrong (${list.slice(0, 5).join('; ')})`);
  for (const p of sink.problems.slice(0, 20)) problems.push(`sink: ${p}`);
  for (const round of rounds) {
    if (round.webhookErrors > 0)
      problems.push(
        `${round.system} ${round.kind}: ${round.webhookErrors} webhooks not accepted (${round.webhookErrorStatuses.join(', ')})`,
      );
    if (round.missingSends > 0)
      problems.push(`${round.system} ${round.kind}: ${round.missingSends} sends missing (no send arrived for ${o['send-timeout']} s)`);
  }
  const loadAtEnd = os.loadavg();
  for (const system of running) await system.stop();

  const result = report({
    machine,
    cluster,
    withStatements,
    running,
    rounds,
    peak,
    idle,
    checks,
    problems,
    loadAtEnd,
    sink: sink.counts(),
  });
  print(result);
  if (o['json-out']) writeFileSync(o['json-out'], `${JSON.stringify(result, null, 2)}\n`);
  if (problems.length > 0) {
    process.stderr.write(`FAILED checks:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 1;
  }
  return 0;
});

function meterFor(system, admin, cluster, withStatements) {
  return startMeter({ admin, database: system.database, enginePids: system.pids, cluster, withStatements });
}

function perSecond(cost, seconds) {
  const f = (v) => (v === null ? null : v / seconds);
  return {
    engineCpuMs: f(cost.engineCpuMs),
    backendCpuMs: f(cost.backendCpuMs),
    xacts: f(cost.xacts),
    statements: f(cost.statements),
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Costs of `list` rounds per delivered message. `idle` (per second, measured with no load) gives the estimate net of
 * idle polling: the rounds' totals minus idle rate x the rounds' wall time (settle tail included). It assumes the
 * polling runs at its idle rate under load too; the gross figures stay beside it.
 */
function perMessage(list, idle) {
  const delivered = list.reduce((n, r) => n + r.delivered, 0);
  const total = (key) => (list.some((r) => r.cost[key] === null) ? null : list.reduce((n, r) => n + r.cost[key], 0));
  const per = (v) => (v === null || delivered === 0 ? null : v / delivered);
  const wallSeconds = list.reduce((n, r) => n + r.wallSeconds, 0);
  const net = (key, idleKey) => {
    const gross = total(key);
    const rate = idle?.[idleKey];
    return gross === null || rate === null || rate === undefined ? null : per(Math.max(0, gross - rate * wallSeconds));
  };
  return {
    transactionsNetOfIdle: net('xacts', 'xacts'),
    statementsNetOfIdle: net('statements', 'statements'),
    messages: delivered,
    engineCpuMs: per(total('engineCpuMs')),
    postgresBackendCpuMs: per(total('backendCpuMs')),
    postgresClusterCpuMs: per(total('clusterCpuMs')),
    transactions: per(total('xacts')),
    commits: per(total('commits')),
    statements: per(total('statements')),
    benchCpuMs: per(list.reduce((n, r) => n + r.benchCpuMs, 0)),
  };
}

/**
 * CPU ms per message of everything the scenario needs (the system, its PostgreSQL when it has a database, the load
 * generator and sink), and the sends/s this machine's cores would give at that cost if the system had them all and
 * spread its work over them: a figure that other sessions' load moves less than sends/s (CPU time per message grows
 * a little under contention; a single-process system cannot use more than one core for its own share).
 */
function withCeiling(cost, hasDatabase, nproc) {
  const postgres = hasDatabase ? (cost.postgresClusterCpuMs ?? cost.postgresBackendCpuMs ?? 0) : 0;
  const allCpuMs = (cost.engineCpuMs ?? 0) + postgres + (cost.benchCpuMs ?? 0);
  return { ...cost, allCpuMs, cpuBoundSendsPerSecond: allCpuMs > 0 ? (nproc * 1000) / allCpuMs : null };
}

function topStatements(list, limit) {
  const delivered = list.reduce((n, r) => n + r.delivered, 0);
  const merged = new Map();
  for (const r of list) {
    for (const s of r.cost.topStatements) {
      const m = merged.get(s.query) ?? { query: s.query, calls: 0, ms: 0, plans: 0, planMs: 0 };
      m.calls += s.calls;
      m.ms += s.ms;
      m.plans += s.plans;
      m.planMs += s.planMs;
      merged.set(s.query, m);
    }
  }
  return [...merged.values()]
    .sort((a, b) => b.calls - a.calls)
    .slice(0, limit)
    .map((s) => ({
      perMessage: s.calls / delivered,
      execMsPerMessage: s.ms / delivered,
      plansPerMessage: s.plans / delivered,
      planMsPerMessage: s.planMs / delivered,
      query: s.query.replace(/\s+/g, ' ').slice(0, 160),
    }));
}

function report({ machine, cluster, withStatements, running, rounds, peak, idle, checks, problems, loadAtEnd, sink }) {
  const systemsOut = running.map((s) => {
    const of = (kind) => rounds.filter((r) => r.system === s.name && r.kind === kind);
    const latency = (list) => (list.length === 0 ? null : { ...summary(list.flatMap((r) => r.latencies)), rates: list.map((r) => r.rate) });
    const sat = of('saturation');
    return {
      name: s.name,
      label: s.label,
      details: s.details,
      sendsPerSecond: { median: peak[s.name], rounds: sat.map((r) => r.sendsPerSecond) },
      latencyMs: {
        atSaturation: latency(sat),
        atFractionOfPeak: latency(of('fraction-of-peak')),
        atFixedRate: latency(of('fixed-rate')),
      },
      overloaded: [...of('fraction-of-peak'), ...of('fixed-rate')]
        .filter((r) => r.overloaded)
        .map(
          (r) =>
            `${fmt(r.rate, 1)}/s offered, ${fmt(r.achievedRate, 1)}/s sent${r.stoppedOffering ? ' (stopped offering at --max-outstanding)' : ''}`,
        ),
      perMessage: {
        saturation: withCeiling(perMessage(sat, idle[s.name]), s.database !== null, machine.nproc),
        fractionOfPeak: of('fraction-of-peak').length ? perMessage(of('fraction-of-peak'), idle[s.name]) : null,
      },
      idlePerSecond: idle[s.name],
      topStatements: s.database && withStatements ? topStatements(sat, 200) : [],
      scenarioChecks: checks[s.name],
    };
  });
  const parley = systemsOut.find((s) => s.name === 'parley');
  const ratios = {};
  if (parley) {
    for (const other of systemsOut.filter((s) => s.name !== 'parley')) {
      const perRound = parley.sendsPerSecond.rounds.map((v, i) => v / other.sendsPerSecond.rounds[i]);
      ratios[`parley/${other.name}`] = { ofMedians: parley.sendsPerSecond.median / other.sendsPerSecond.median, perRound };
    }
  }
  return {
    benchmark: 'peers',
    machine: { ...machine, loadAverageAtEnd: loadAtEnd.map((v) => Number(v.toFixed(2))) },
    command: `node tools/bench/peers/peers.bench.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    params: {
      systems: running.map((s) => s.name),
      parleyMode: o['parley-mode'],
      parleyWorkers: o['parley-mode'] === 'bullmq' ? o['parley-workers'] : null,
      parleyCpus: Object.keys(parleyCpus).length > 0 ? parleyCpus : null,
      parleyDatabaseConnection: o['parley-db-socket'] ? 'unix socket' : 'tcp',
      rounds: o.rounds,
      durationSeconds: o.duration,
      inflight: o.inflight,
      latencyFraction: o['latency-fraction'],
      rate: o.rate,
      numberMessagesPerSecond: NUMBER_MESSAGES_PER_SECOND,
      postgres: cluster
        ? {
            server: 'private',
            version: cluster.version,
            binaries: cluster.binDir,
            settings: cluster.settings,
            copiedFromMachine: cluster.copiedFromMachine,
          }
        : { server: o.pg },
      statementsCounted: withStatements,
    },
    systems: systemsOut,
    ratios,
    sink,
    rounds: rounds.map(({ latencies, cost, ...r }) => ({
      ...r,
      latencyMs: summary(latencies),
      cost: { ...cost, topStatements: undefined },
    })),
    problems,
  };
}

function print(result) {
  if (o.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const p = result.params;
  const ms = (v) => fmt(v, v !== null && v < 10 ? 2 : 1);
  const lines = [
    '# Peers: the WhatsApp price reply on Parley, Node-RED and n8n',
    '',
    describeMachine(result.machine),
    `Load average at the end: ${result.machine.loadAverageAtEnd.join(', ')} (1, 5, 15 min).`,
    `Command: ${result.command}`,
    '',
    `Scenario: signed WhatsApp webhook (Meta's envelope, X-Hub-Signature-256) -> text contains "price" -> reply via POST /${API_VERSION}/{phone-number-id}/messages to a local sink that answers like Meta; a new customer (wa_id) per message.`,
    `Rounds: ${p.rounds} x ${p.durationSeconds} s per measurement, alternating ${p.systems.join(', ')}; saturation = ${p.inflight} customers waiting at once (closed loop), sends/s = the round's sends from its first POST to its last send.`,
    `Parley: ${p.parleyMode === 'embedded' ? 'embedded (one ENGINE_ROLE=all process, no Redis)' : `BullMQ (ENGINE_ROLE=api + ${p.parleyWorkers} worker${p.parleyWorkers === 1 ? '' : 's'}, Redis)`}${
      p.parleyCpus
        ? ` pinned with taskset (${Object.entries(p.parleyCpus)
            .map(([name, cpus]) => `${name} on CPU ${cpus}`)
            .join(', ')}; PostgreSQL and the bench on any CPU)`
        : ''
    }, production build, reaching PostgreSQL over ${p.parleyDatabaseConnection === 'unix socket' ? 'its Unix socket' : 'TCP'}; its WhatsApp number is at Meta's higher throughput tier (messages_per_second = ${p.numberMessagesPerSecond}), so the per-number limit does not cap the engine.`,
    p.postgres.server === 'private'
      ? `PostgreSQL: the bench's own cluster (${p.postgres.version}, ${p.postgres.binaries}) with pg_stat_statements; settings ${p.postgres.copiedFromMachine ? 'copied from the machine server' : 'PostgreSQL defaults'}: ${Object.entries(
          p.postgres.settings,
        )
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}.`
      : `PostgreSQL: ${p.postgres.server}${p.statementsCounted ? '' : ' (pg_stat_statements not loaded: no statement counts)'}.`,
    '',
    table(
      [
        'system',
        'sends/s at saturation (median)',
        'rounds',
        'p50 / p99 ms at saturation',
        'offered/s (fraction of peak)',
        'p50 / p99 ms',
        ...(p.rate > 0 ? [`p50 / p99 ms at ${p.rate}/s`] : []),
      ],
      result.systems.map((s) => {
        const f = s.latencyMs.atFractionOfPeak;
        const r = s.latencyMs.atFixedRate;
        return [
          s.label,
          fmt(s.sendsPerSecond.median, 1),
          s.sendsPerSecond.rounds.map((v) => fmt(v, 0)).join(', '),
          `${ms(s.latencyMs.atSaturation?.p50)} / ${ms(s.latencyMs.atSaturation?.p99)}`,
          f ? f.rates.map((v) => fmt(v, 0)).join(', ') : '–',
          f ? `${ms(f.p50)} / ${ms(f.p99)}` : '–',
          ...(p.rate > 0 ? [r ? `${ms(r.p50)} / ${ms(r.p99)}` : '–'] : []),
        ];
      }),
    ),
    '',
    ...Object.entries(result.ratios).map(
      ([k, v]) =>
        `Ratio ${k} (sends/s at saturation): ${fmt(v.ofMedians, 3)} of the medians; per round ${v.perRound.map((x) => fmt(x, 3)).join(', ')}.`,
    ),
    ...result.systems
      .filter((s) => s.overloaded.length > 0)
      .map((s) => `${s.label} did not keep up with: ${s.overloaded.join('; ')} (latency of those rounds includes its backlog).`),
    '',
    '## Cost per handled message (saturation rounds)',
    '',
    table(
      [
        'system',
        'messages',
        'engine CPU ms',
        'PG backends CPU ms (its database)',
        'PG cluster CPU ms (all)',
        'PG transactions',
        'PG statements',
        'PG transactions / statements net of idle polling',
        'bench CPU ms',
        'all CPU ms',
        `sends/s if it had all ${result.machine.nproc} cores`,
      ],
      result.systems.map((s) => {
        const c = s.perMessage.saturation;
        return [
          s.label,
          fmt(c.messages),
          ms(c.engineCpuMs),
          ms(c.postgresBackendCpuMs),
          ms(c.postgresClusterCpuMs),
          fmt(c.transactions, 1),
          fmt(c.statements, 1),
          `${fmt(c.transactionsNetOfIdle, 1)} / ${fmt(c.statementsNetOfIdle, 1)}`,
          ms(c.benchCpuMs),
          ms(c.allCpuMs),
          fmt(c.cpuBoundSendsPerSecond, 0),
        ];
      }),
    ),
    '',
    `Engine CPU: /proc/<pid>/stat utime+stime of the system's processes and their children. PG backends: the same for the backends connected to the system's database (pg_stat_activity, sampled every 250 ms). PG cluster: every process of the private cluster (background writers included, and the other systems' idle polling). Transactions: xact_commit + xact_rollback of pg_stat_database; statements: calls in pg_stat_statements (track = ${o['pg-track']}); both for the system's database, read from another database. Each round's window ends ${SETTLE_DB_MS / 1000} s after its last send for a system with a database (a backend publishes its transaction counts up to 10 s late when another one holds the database's stats entry), ${SETTLE_MS / 1000} s otherwise; the idle table shows what that tail adds, and "net of idle polling" subtracts the idle rate x the rounds' wall time (an estimate: it assumes the polling runs at its idle rate under load too). All CPU: engine + PG cluster (systems with a database) + bench; the last column is ${result.machine.nproc} x 1000 / all CPU ms, the sends/s the cores would give at that cost with nothing else running: on a shared machine it moves less than sends/s, but it is an estimate, not a measurement.`,
    '',
    table(
      ['idle, per second', 'engine CPU ms', 'PG backends CPU ms', 'PG transactions', 'PG statements'],
      result.systems.map((s) => [
        s.label,
        ms(s.idlePerSecond.engineCpuMs),
        ms(s.idlePerSecond.backendCpuMs),
        fmt(s.idlePerSecond.xacts, 1),
        fmt(s.idlePerSecond.statements, 1),
      ]),
    ),
  ];
  for (const s of result.systems.filter((x) => x.topStatements.length > 0)) {
    lines.push(
      '',
      `## ${s.label}: statements per message (saturation rounds, top 15 by calls)`,
      '',
      table(
        ['calls/msg', 'exec ms/msg', 'statement'],
        s.topStatements.slice(0, 15).map((t) => [fmt(t.perMessage, 2), fmt(t.execMsPerMessage, 3), `\`${t.query.replace(/\|/g, '\\|')}\``]),
        [true, true, false],
      ),
    );
    lines.push(
      '',
      `## ${s.label}: statements per message (saturation rounds, top 15 by execution time)`,
      '',
      table(
        ['calls/msg', 'exec ms/msg', 'statement'],
        [...s.topStatements]
          .sort((a, b) => b.execMsPerMessage - a.execMsPerMessage)
          .slice(0, 15)
          .map((t) => [fmt(t.perMessage, 2), fmt(t.execMsPerMessage, 3), `\`${t.query.replace(/\|/g, '\\|')}\``]),
        [true, true, false],
      ),
    ); // Only with pg_stat_statements.track_planning = on: statements PostgreSQL planned again rather than reusing a plan.
    if (s.topStatements.some((t) => t.planMsPerMessage > 0))
      lines.push(
        '',
        `## ${s.label}: statements per message (saturation rounds, top 15 by planning time)`,
        '',
        table(
          ['calls/msg', 'plans/msg', 'plan ms/msg', 'statement'],
          [...s.topStatements]
            .sort((a, b) => b.planMsPerMessage - a.planMsPerMessage)
            .slice(0, 15)
            .map((t) => [
              fmt(t.perMessage, 2),
              fmt(t.plansPerMessage, 2),
              fmt(t.planMsPerMessage, 3),
              `\`${t.query.replace(/\|/g, '\\|')}\``,
            ]),
          [true, true, true, false],
        ),
      );
  }
  lines.push(
    '',
    result.problems.length === 0
      ? 'Checks passed: every price question got exactly one send to its customer, the badly signed one and the one without "price" none, and no send went to anyone else.'
      : `CHECKS FAILED: ${result.problems.length} problem(s).`,
    `The sink received ${fmt(result.sink.sends)} sends, ${fmt(result.sink.reads)} read receipts and ${fmt(result.sink.templateReads)} template list reads in all.`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
