// Child processes with prefixed output, and waiting for them to answer HTTP.
const { spawn } = require('node:child_process');
const { createInterface } = require('node:readline');

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
  return { name, child, exited, recentOutput: () => output.join('\n') };
}

/** Waits until `url` answers 2xx, the service exits, or the timeout passes. */
async function waitForHttp(url, service, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = null;
  service.exited.then((result) => {
    exited = result;
  });
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`${service.name} exited (code ${exited.code}, signal ${exited.signal}) before answering:\n${service.recentOutput()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${service.name} did not answer ${url} within ${timeoutMs / 1000} s:\n${service.recentOutput()}`);
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
