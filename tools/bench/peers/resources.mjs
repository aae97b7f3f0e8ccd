// What one measured round cost: CPU of a system's processes (the process
// and its children), CPU of the PostgreSQL backends serving its database,
// CPU of the whole private PostgreSQL cluster, and the database's
// transactions (pg_stat_database) and statements (pg_stat_statements).
//
// CPU comes from /proc/<pid>/stat (utime + stime). Backends that exit during
// a round are counted up to their last sample (every 250 ms).

import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime + stime in ms and the parent pid of `pid`, or null when it is gone. */
function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // proc(5): field 4 is ppid, 14 and 15 utime and stime; here they are 1, 11 and 12 (after pid and comm).
    return { ppid: Number(fields[1]), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS };
  } catch {
    return null;
  }
}

function allProcesses() {
  const result = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat) result.set(Number(entry), stat);
  }
  return result;
}

/** `roots` and every process below them: pid -> CPU ms so far. */
export function treeCpu(roots, processes = allProcesses()) {
  const children = new Map();
  for (const [pid, { ppid }] of processes) {
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const result = new Map();
  const stack = roots.filter((pid) => processes.has(pid));
  while (stack.length > 0) {
    const pid = stack.pop();
    if (result.has(pid)) continue;
    result.set(pid, processes.get(pid).cpuMs);
    stack.push(...(children.get(pid) ?? []));
  }
  return result;
}

/** Whether pg_stat_statements can be read on the server of `admin`. */
export async function statementsAvailable(admin) {
  try {
    await admin.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
    return true;
  } catch {
    return false;
  }
}

async function databaseCounters(admin, database, withStatements) {
  await admin.query('SELECT pg_stat_clear_snapshot()');
  const xact = (
    await admin.query('SELECT xact_commit + xact_rollback AS n, xact_commit AS commits FROM pg_stat_database WHERE datname = $1', [
      database,
    ])
  ).rows[0];
  let statements = null;
  if (withStatements) {
    statements = new Map(
      (
        await admin.query(
          `SELECT s.queryid::text AS id, s.query, s.calls::bigint AS calls, s.total_exec_time AS ms, s.plans::bigint AS plans,
                  s.total_plan_time AS plan_ms
             FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1`,
          [database],
        )
      ).rows.map((r) => [
        r.id,
        { query: r.query, calls: Number(r.calls), ms: Number(r.ms), plans: Number(r.plans), planMs: Number(r.plan_ms) },
      ]),
    );
  }
  return { xacts: Number(xact?.n ?? 0), commits: Number(xact?.commits ?? 0), statements };
}

/**
 * Starts metering. `enginePids()`: the system's process ids (children are added);
 * `database`: its PostgreSQL database, or null; `cluster`: { postmasterPid } of
 * the private cluster, or null when the server is not ours (then only the
 * database's backends are counted). Returns { stop() -> costs }.
 */
export async function startMeter({ admin, database, enginePids, cluster, withStatements }) {
  const before = database ? await databaseCounters(admin, database, withStatements) : null;
  const first = allProcesses();
  const engineStart = treeCpu(enginePids(), first);
  const engineLast = new Map(engineStart);
  const clusterStart = cluster ? treeCpu([cluster.postmasterPid], first) : null;
  const clusterLast = clusterStart ? new Map(clusterStart) : null;
  // Backends of the database: first CPU reading (0 for those born during the round) and last one.
  const backendStart = new Map();
  const backendLast = new Map();
  const readBackends = async () => {
    if (!database) return;
    const pids = (
      await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database])
    ).rows.map((r) => Number(r.pid));
    return pids;
  };
  const initialBackends = (await readBackends()) ?? [];
  const processesNow = allProcesses();
  for (const pid of initialBackends) {
    const cpu = processesNow.get(pid)?.cpuMs;
    if (cpu !== undefined) {
      backendStart.set(pid, cpu);
      backendLast.set(pid, cpu);
    }
  }
  let sampling = Promise.resolve();
  const sample = async () => {
    const processes = allProcesses();
    for (const [pid, cpu] of treeCpu(enginePids(), processes)) {
      if (!engineStart.has(pid)) engineStart.set(pid, 0);
      engineLast.set(pid, cpu);
    }
    if (clusterLast) {
      for (const [pid, cpu] of treeCpu([cluster.postmasterPid], processes)) {
        if (!clusterStart.has(pid)) clusterStart.set(pid, 0);
        clusterLast.set(pid, cpu);
      }
    }
    for (const pid of (await readBackends()) ?? []) {
      const cpu = processes.get(pid)?.cpuMs;
      if (cpu === undefined) continue;
      if (!backendStart.has(pid)) backendStart.set(pid, 0);
      backendLast.set(pid, cpu);
    }
    // Backends already known are re-read even if pg_stat_activity missed them this time.
    for (const pid of backendLast.keys()) {
      const cpu = processes.get(pid)?.cpuMs;
      if (cpu !== undefined) backendLast.set(pid, cpu);
    }
  };
  const timer = setInterval(() => {
    sampling = sampling.then(sample).catch(() => {});
  }, 250);
  const sum = (start, last) => [...last].reduce((total, [pid, cpu]) => total + Math.max(0, cpu - (start.get(pid) ?? 0)), 0);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      await sample();
      const after = database ? await databaseCounters(admin, database, withStatements) : null;
      let statements = null;
      let topStatements = [];
      if (before?.statements && after?.statements) {
        const deltas = [];
        for (const [id, s] of after.statements) {
          const calls = s.calls - (before.statements.get(id)?.calls ?? 0);
          const was = before.statements.get(id);
          const ms = s.ms - (was?.ms ?? 0);
          // Planning is counted only with pg_stat_statements.track_planning = on (--pg-set); 0 otherwise.
          const plans = s.plans - (was?.plans ?? 0);
          const planMs = s.planMs - (was?.planMs ?? 0);
          if (calls > 0) deltas.push({ query: s.query, calls, ms, plans, planMs });
        }
        statements = deltas.reduce((n, d) => n + d.calls, 0);
        topStatements = deltas.sort((a, b) => b.calls - a.calls);
      }
      return {
        engineCpuMs: sum(engineStart, engineLast),
        engineProcesses: engineLast.size,
        backendCpuMs: database ? sum(backendStart, backendLast) : null,
        backends: backendLast.size,
        clusterCpuMs: clusterLast ? sum(clusterStart, clusterLast) : null,
        xacts: before && after ? after.xacts - before.xacts : null,
        commits: before && after ? after.commits - before.commits : null,
        statements,
        topStatements,
      };
    },
  };
}
