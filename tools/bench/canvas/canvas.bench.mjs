#!/usr/bin/env node
// Flow canvas (issue 5): how long a 300-step flow takes to open in the editor, and how smooth
// dragging a step is, in Debian's Chromium driven by playwright-core against the production
// build of the whole product (the stack `npm start` runs), on a fresh database.
//
// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//          node tools/bench/canvas/canvas.bench.mjs [--nodes=300] [--runs=5]
// Needs `npm run build` first. Prints a Markdown table; writes a Chromium trace of one drag to
// test-artifacts/bench/canvas-drag-trace.json.

// The functions given to page.evaluate / waitForFunction run in the browser, where these exist.
/* global window, document, requestAnimationFrame, getComputedStyle */

import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const repoRoot = join(import.meta.dirname, '..', '..', '..');
const { startStack } = require(join(repoRoot, 'tools/lib/stack.cjs'));
const { freePort } = require(join(repoRoot, 'tools/lib/free-port.cjs'));

const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const NODES = arg('nodes', 300);
const RUNS = arg('runs', 5);
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error('Set DATABASE_URL to a PostgreSQL server the bench may create a database on');

/** A chain of NODES steps (a trigger, then tags and waits) snaking over a grid, like a big real flow. */
function bigFlow(count) {
  const columns = 20;
  const nodes = [];
  const edges = [];
  for (let i = 0; i < count; i += 1) {
    const row = Math.floor(i / columns);
    const column = row % 2 === 0 ? i % columns : columns - 1 - (i % columns);
    const position = { x: column * 300, y: row * 200 };
    if (i === 0)
      nodes.push({
        id: 'n0',
        type: 'trigger.inbound_message',
        typeVersion: 1,
        position,
        config: { match: 'keyword', keywords: ['price'], mode: 'contains', caseSensitive: false },
      });
    else if (i % 3 === 0) nodes.push({ id: `n${i}`, type: 'timing.wait', typeVersion: 1, position, config: { amount: 1, unit: 'hours' } });
    else nodes.push({ id: `n${i}`, type: 'contact.tag', typeVersion: 1, position, config: { action: 'add', tags: [`step-${i}`] } });
    if (i > 0) edges.push({ id: `e${i}`, source: `n${i - 1}`, sourceOutput: 'next', target: `n${i}` });
  }
  return { schemaVersion: 1, nodes, edges, notes: [] };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const database = `parley_bench_${randomBytes(5).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const url = new URL(serverUrl);
url.pathname = `/${database}`;
const credentials = { email: 'bench@parley.test', password: `pw-${randomBytes(9).toString('base64url')}` };
const stack = await startStack({
  databaseUrl: url.toString(),
  ports: { web: await freePort(), engine: await freePort(), simulator: await freePort() },
  secrets: {
    secretsKey: randomBytes(32).toString('hex'),
    whatsappAppSecret: randomBytes(16).toString('hex'),
    whatsappVerifyToken: 'bench',
    simulatorAccessToken: 'sim-bench',
  },
  simulator: false,
  admin: credentials,
  quiet: true,
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const login = await fetch(`${stack.urls.engine}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  const { token } = await login.json();
  const created = await fetch(`${stack.urls.engine}/api/flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: `${NODES} steps`, definition: bigFlow(NODES) }),
  });
  const { id } = await created.json();
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await page.goto(`${stack.urls.web}/login`);
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === '/flows');

  const opens = [];
  for (let run = 0; run < RUNS + 1; run += 1) {
    await page.goto(`${stack.urls.web}/flows/${id}`, { waitUntil: 'commit' });
    // Every step drawn and measured (React Flow keeps a step hidden until it knows its size).
    const handle = await page.waitForFunction(
      (count) => {
        const drawn = document.querySelectorAll('.react-flow__node-step');
        if (drawn.length < count) return null;
        for (const node of drawn) if (getComputedStyle(node).visibility === 'hidden') return null;
        performance.mark('canvas-ready');
        return performance.now();
      },
      NODES,
      { polling: 'raf', timeout: 60_000 },
    );
    const ready = await handle.jsonValue();
    if (run > 0) opens.push(ready); // the first run warms the server's caches
  }

  // Drag one step across the canvas, recording every animation frame's interval and long tasks.
  await page.evaluate(() => {
    window.__frames = [];
    window.__long = [];
    new PerformanceObserver((list) =>
      window.__long.push(...list.getEntries().map((e) => ({ start: e.startTime, duration: e.duration }))),
    ).observe({ type: 'longtask', buffered: false });
    let last = performance.now();
    const tick = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  // Drag at zoom 1, as a person editing would: zoom in on the step first.
  const target = page.locator('.react-flow__node-step[data-id="n150"]');
  await target.click();
  for (let i = 0; i < 12; i += 1) await page.getByRole('button', { name: 'Zoom In', exact: true }).click();
  await page.keyboard.press('Escape');
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  const before = box.x;
  mkdirSync(join(repoRoot, 'test-artifacts', 'bench'), { recursive: true });
  await browser.startTracing(page, { path: join(repoRoot, 'test-artifacts', 'bench', 'canvas-drag-trace.json'), screenshots: false });
  const start = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await page.mouse.move(start.x, start.y);
  // Count only the drag: starting Chrome's tracing interrupts V8 once for about half a second
  // (InvokeApiInterruptCallbacks inside our own frame counter, seen in the trace), which is the
  // measuring tool, not the canvas.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.evaluate(() => {
    window.__frames = [];
    window.__dragStart = performance.now();
  });
  await page.mouse.down();
  const steps = 120;
  for (let i = 1; i <= steps; i += 1) await page.mouse.move(start.x + i * 2, start.y + Math.sin(i / 10) * 40);
  await page.mouse.up();
  await browser.stopTracing();
  const { frames, long } = await page.evaluate(() => {
    window.__stop = true;
    return { frames: window.__frames.slice(1), long: window.__long.filter((t) => t.start >= window.__dragStart).map((t) => t.duration) };
  });
  const moved = await page.evaluate(() => document.querySelector('.react-flow__node-step[data-id="n150"]').getBoundingClientRect().x);

  console.log(
    `\n${NODES}-step flow, ${RUNS} opens after one warm-up; ${new Date().toISOString().slice(0, 10)}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB\n`,
  );
  console.log('| measure | p50 | max |');
  console.log('| --- | ---: | ---: |');
  console.log(
    `| open: navigation start → all ${NODES} steps drawn | ${Math.round(percentile(opens, 50))} ms | ${Math.round(Math.max(...opens))} ms |`,
  );
  console.log(
    `| drag: frame interval (${frames.length} frames, ${steps} pointer moves) | ${percentile(frames, 50).toFixed(1)} ms (p95 ${percentile(frames, 95).toFixed(1)} ms) | ${Math.max(...frames).toFixed(1)} ms |`,
  );
  console.log(`| drag: long tasks (> 50 ms) | ${long.length} | ${long.length ? Math.round(Math.max(...long)) : 0} ms |`);
  console.log(`\nstep moved by ${Math.round(moved - before)} px`);
} finally {
  await browser.close();
  await stack.stop();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
