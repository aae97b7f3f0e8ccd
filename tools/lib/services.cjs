// Child processes with prefixed output, and waiting for them to answer HTTP.
const { spawn } = require('node:child_process');
const { createInterface } = require('node:readline');
const { StartError } = require('./start-error.cjs');

function startService({ name, command, args, env, cwd, quiet = false }) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${name}]`;
  const output = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      if (output.length > 200) output.shift();
      if (!quiet) process.stdout.write(`${prefix} ${line}\n`);
    });
  }
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { name, child, exited, quiet, recentOutput: () => output.join('\n') };
}

/**
 * Waits until `url` answers 2xx, the service exits, or the timeout passes. A
 * failure carries the service's last lines when they were not shown already.
 */
async function waitForHttp(url, service, timeoutMs = 120_000) {
  const details = () => (service.quiet ? service.recentOutput() : '');
  const deadline = Date.now() + timeoutMs;
  let exited = null;
  service.exited.then((result) => {
    exited = result;
  });
  while (Date.now() < deadline) {
    if (exited) {
      throw new StartError(
        `The ${service.name} stopped while starting (exit code ${exited.code}, signal ${exited.signal}): fix what its last lines above report and try again.`,
        details(),
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new StartError(
    `The ${service.name} did not answer ${url} within ${timeoutMs / 1000} s: check its last lines above (or a slow machine) and try again.`,
    details(),
  );
}

/** SIGTERM, then SIGKILL after `graceMs`. */
async function stopService(service, graceMs = 10_000) {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), graceMs);
  await service.exited;
  clearTimeout(timer);
}

module.exports = { startService, waitForHttp, stopService };
