import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ENGINE_DIST = join(__dirname, '..', '..', 'dist');
const ARTIFACTS = join(__dirname, '..', '..', '..', '..', 'test-artifacts', 'engine-processes');

/** The built engine entry point; tests that run real processes need `nx build` first (npm test does it). */
export function engineEntry(file: 'main.js' | 'cli.js'): string {
  const path = join(ENGINE_DIST, file);
  if (!existsSync(path)) throw new Error(`${path} is missing: build the engine first (npm test builds it; or npx nx build engine)`);
  return path;
}

/** A free TCP port on 127.0.0.1 (for a process that must come back on the same address). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** Runs the engine CLI (migrate, setup) to completion; returns its JSON answer. */
export function runEngineCli(args: string[], env: Record<string, string>): unknown {
  const result = spawnSync(process.execPath, [engineEntry('cli.js'), ...args, '--json'], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`engine cli ${args.join(' ')} failed: ${result.stderr}`);
  const parsed: unknown = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
  return parsed;
}

export interface EngineProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
  /** kill -9: no shutdown hooks, no flushing, like a crash or an OOM kill. */
  crash(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

let launched = 0;

/** Starts `dist/main.js` as a separate process with `env`; its output goes to test-artifacts/engine-processes. */
export function startEngineProcess(name: string, env: Record<string, string>): EngineProcess {
  mkdirSync(ARTIFACTS, { recursive: true });
  launched += 1;
  const log = createWriteStream(join(ARTIFACTS, `${process.pid}-${launched}-${name}.log`));
  const child = spawn(process.execPath, [engineEntry('main.js')], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    exited,
    async crash() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until `url`/health/ready answers 200 (or the process dies). */
export async function waitUntilReady(url: string, engine: EngineProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (engine.child.exitCode !== null || engine.child.signalCode !== null)
      throw new Error(`${engine.name} exited before it was ready (see test-artifacts/engine-processes)`);
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${engine.name} was not ready within ${timeoutMs} ms`);
}
