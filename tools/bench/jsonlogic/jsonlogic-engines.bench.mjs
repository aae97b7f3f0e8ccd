#!/usr/bin/env node
// JSONLogic engine benchmark: json-logic-js 2.x against json-logic-engine 5.x.
//
// Flow conditions are JSONLogic rules evaluated over `{contact, event, vars, crm, ...}`
// for every inbound event; they are compiled once per published flow version. This
// script measures the per-evaluation cost of each way of running a rule:
//
//   js-apply          json-logic-js `apply(rule, data)` (no compile step exists)
//   engine-run        json-logic-engine `LogicEngine#run(rule, data)`, interpreted,
//                     with its default per-rule plan cache (same rule object each time)
//   engine-run-nocache  the same with `disableInterpretedOptimization: true`
//   engine-build      `LogicEngine#build(rule)` once, then `fn(data)`
//   async-build       `await AsyncLogicEngine#build(rule)` once, then `await fn(data)`
//
// Rules A, B, C are pure. Rule D uses a DB-backed operator (`events_count`) and compares
// the two designs: pre-computing it before a synchronous evaluation, or letting
// AsyncLogicEngine call an async custom method directly. The "database" is an in-memory
// Map behind an async function, so D measures the engine/await overhead, not SQL latency.
//
// Before measuring, every variant is run over every context and must return exactly what
// json-logic-js returns; each measuring child also reports how many truthy results it saw,
// which must match. Any mismatch exits with status 1.
//
// Each (rule, variant) is measured in its own child process so that JIT state of one
// library does not influence another.
//
// Usage: node tools/bench/jsonlogic/jsonlogic-engines.bench.mjs
//          [--evals=1000000] [--warmup=200000] [--batch=1000] [--rules=A,B,C,D] [--json]
// No dependencies beyond json-logic-js and json-logic-engine.

import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

import jsonLogic from 'json-logic-js';
import { AsyncLogicEngine, LogicEngine } from 'json-logic-engine';

// ---------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
function option(name, fallback) {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}
const EVALS = Number(option('evals', 1_000_000));
const WARMUP = Number(option('warmup', 200_000));
const BATCH = Number(option('batch', 1_000));
const RULES = option('rules', 'A,B,C,D').split(',');
const CONTEXT_COUNT = 1_000;
const JSON_OUTPUT = argv.includes('--json');
const CHILD = option('child', null);

if (!(EVALS > 0 && WARMUP >= 0 && BATCH > 0 && EVALS % BATCH === 0)) {
  console.error('--evals must be a positive multiple of --batch');
  process.exit(2);
}

// ---------------------------------------------------------------------------
// Custom operators

// ~20 keywords per intent; substring match on the lower-cased text.
const INTENTS = {
  pricing: [
    'price',
    'prices',
    'pricing',
    'cost',
    'costs',
    'how much',
    'quote',
    'quotation',
    'tariff',
    'rate',
    'fee',
    'fees',
    'expensive',
    'cheap',
    'discount',
    'offer',
    'promo',
    'budget',
    'invoice',
    'pay',
  ],
  human: [
    'human',
    'agent',
    'person',
    'operator',
    'someone',
    'somebody',
    'advisor',
    'adviser',
    'staff',
    'manager',
    'call me',
    'phone',
    'speak',
    'talk',
    'representative',
    'support',
    'help desk',
    'real',
    'assistant',
    'team',
  ],
};

function matchIntent(text, name) {
  const keywords = INTENTS[name];
  if (keywords === undefined) throw new Error(`unknown intent ${String(name)}`);
  if (typeof text !== 'string' || text === '') return false;
  const lower = text.toLowerCase();
  for (let i = 0; i < keywords.length; i++) if (lower.includes(keywords[i])) return true;
  return false;
}

// Stand-in for PostgreSQL: counts per contact, behind an async call (one await per query).
const EVENT_COUNTS = new Map();
async function dbEventsCount(contactId, eventType, window) {
  return EVENT_COUNTS.get(`${contactId}|${eventType}|${window}`) ?? 0;
}

// ---------------------------------------------------------------------------
// Rules

const RULE_A = { and: [{ '>=': [{ var: 'behaviour.price_7d' }, 3] }, { '!': { var: 'contact.paused' } }] };

const RULE_B = {
  or: [
    { '==': [{ var: 'contact.fields.tier' }, 'gold'] },
    { '>=': [{ var: 'contact.fields.age' }, 65] },
    { in: ['price', { var: 'event.text' }] },
    { in: [{ var: 'contact.fields.city' }, ['Lyon', 'Marseille', 'Toulouse']] },
    { '==': [{ var: ['vars.campaign', 'none'] }, 'spring_sale'] },
  ],
};

const RULE_C = { and: [{ intent: [{ var: 'event.text' }, 'pricing'] }, { '!': { var: 'contact.paused' } }] };

// DB-backed operator; arguments are plain strings (an object literal argument would be
// read as an operator by both libraries).
const RULE_D = {
  and: [{ '>=': [{ events_count: ['price_request', '7d'] }, 3] }, { '!': { var: 'contact.paused' } }],
};

// Pre-compute design: at compile time replace each DB operator by a `var` on a slot and
// remember its arguments; per event, run the queries and put the results into the data.
function extractDbOperators(rule, operators = new Set(['events_count'])) {
  const calls = [];
  function walk(node) {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const keys = Object.keys(node);
    if (keys.length === 1 && operators.has(keys[0])) {
      const args = node[keys[0]];
      calls.push({ operator: keys[0], args: Array.isArray(args) ? args : [args] });
      return { var: `db.q${calls.length - 1}` };
    }
    const out = {};
    for (const key of keys) out[key] = walk(node[key]);
    return out;
  }
  return { rule: walk(rule), calls };
}
const RULE_D_PRE = extractDbOperators(RULE_D);

async function precompute(calls, ctx) {
  const values = await Promise.all(calls.map((c) => dbEventsCount(ctx.contact.id, c.args[0], c.args[1])));
  const db = {};
  for (let i = 0; i < values.length; i++) db[`q${i}`] = values[i];
  return db;
}

// The per-event data object, with the pre-computed results added next to the usual keys.
function withDb(ctx, db) {
  return { contact: ctx.contact, event: ctx.event, vars: ctx.vars, crm: ctx.crm, behaviour: ctx.behaviour, db };
}

// ---------------------------------------------------------------------------
// Contexts (deterministic pseudo-random data)

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTS = [
  'Hi!',
  'Hello, is the shop open on Sunday?',
  'How much is the premium plan?',
  'What is the price of delivery',
  'I want to talk to a human',
  'Can someone call me back?',
  'STOP',
  'thanks',
  'Do you have a discount code?',
  'Where is my order #4412?',
  'Send me a quote for 20 units please',
  'ok',
  'Is it expensive?',
  '👍',
  'Bonjour, je voudrais des informations',
  'The app keeps crashing',
  'Can I pay by card?',
  'yes',
  'no',
  'What are your opening hours?',
];
const CITIES = ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Lille', 'Nantes', 'Berlin', 'Madrid'];

function makeContexts(count) {
  const rnd = mulberry32(20261122);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const contexts = [];
  for (let i = 0; i < count; i++) {
    const id = `c${i}`;
    const fields = {};
    const tierRoll = rnd();
    if (tierRoll < 0.15) fields.tier = 'gold';
    else if (tierRoll < 0.5) fields.tier = 'silver';
    else if (tierRoll < 0.8) fields.tier = 'bronze';
    const ageRoll = rnd();
    const age = 18 + Math.floor(rnd() * 70);
    if (ageRoll < 0.6) fields.age = age;
    else if (ageRoll < 0.8) fields.age = String(age); // CRM imports often carry numbers as strings
    if (rnd() < 0.9) fields.city = pick(CITIES);
    const contact = { id, phone: `+3360000${String(i).padStart(4, '0')}`, fields };
    const pausedRoll = rnd();
    if (pausedRoll < 0.2) contact.paused = true;
    else if (pausedRoll < 0.9) contact.paused = false;
    const event = { type: 'message.received', at: 1_795_000_000_000 + i * 1000 };
    if (rnd() < 0.95) event.text = pick(TEXTS);
    const vars = {};
    const campaignRoll = rnd();
    if (campaignRoll < 0.3) vars.campaign = 'spring_sale';
    else if (campaignRoll < 0.6) vars.campaign = 'winter';
    const behaviour = {};
    if (rnd() < 0.85) behaviour.price_7d = Math.floor(rnd() * 7);
    const crm = { stage: pick(['lead', 'customer', 'churned']), owner: pick(['ana', 'bo', null]) };
    contexts.push({ contact, event, vars, crm, behaviour });
    EVENT_COUNTS.set(`${id}|price_request|7d`, Math.floor(rnd() * 6));
  }
  return contexts;
}

const contexts = makeContexts(CONTEXT_COUNT);

// ---------------------------------------------------------------------------
// Engines and variants

jsonLogic.add_operation('intent', (text, name) => matchIntent(text, name)); // global registry

function makeSyncEngine(options) {
  const engine = new LogicEngine(undefined, options);
  engine.addMethod('intent', ([text, name]) => matchIntent(text, name), { deterministic: true });
  return engine;
}
function makeAsyncEngine() {
  const engine = new AsyncLogicEngine();
  // Without { sync: true } AsyncLogicEngine treats a plain function as async.
  engine.addMethod('intent', ([text, name]) => matchIntent(text, name), { deterministic: true, sync: true });
  // Not deterministic: a deterministic method with constant arguments is evaluated at build time.
  engine.addMethod('events_count', async ([eventType, window], context) => dbEventsCount(context.contact.id, eventType, window), {
    async: true,
  });
  return engine;
}

const RULE_BY_NAME = { A: RULE_A, B: RULE_B, C: RULE_C };

// Each variant: prepare() once (the compile step), then evaluate(ctx) per event.
// `async` variants return a promise.
const VARIANTS = {
  'js-apply': { label: 'json-logic-js apply', async: false, prepare: (rule) => (ctx) => jsonLogic.apply(rule, ctx) },
  'engine-run': {
    label: 'json-logic-engine run (interpreted)',
    async: false,
    prepare: (rule) => {
      const engine = makeSyncEngine();
      return (ctx) => engine.run(rule, ctx);
    },
  },
  'engine-run-nocache': {
    label: 'json-logic-engine run, plan cache off',
    async: false,
    prepare: (rule) => {
      const engine = makeSyncEngine({ disableInterpretedOptimization: true });
      return (ctx) => engine.run(rule, ctx);
    },
  },
  'engine-build': {
    label: 'json-logic-engine build (compiled)',
    async: false,
    prepare: (rule) => makeSyncEngine().build(rule),
    buildOnly: (rule) => makeSyncEngine().build(rule),
  },
  'async-build': {
    label: 'json-logic-engine AsyncLogicEngine build',
    async: true,
    prepare: async (rule) => {
      const fn = await makeAsyncEngine().build(rule);
      return (ctx) => fn(ctx); // awaited by the caller, as the Promise<Function> API implies
    },
    buildOnly: (rule) => makeAsyncEngine().build(rule),
  },
};

// Rule D variants: same question, end to end per event (query + evaluation).
const VARIANTS_D = {
  'js-apply+precompute': {
    label: 'pre-compute, then json-logic-js apply',
    async: true,
    prepare: () => async (ctx) => jsonLogic.apply(RULE_D_PRE.rule, withDb(ctx, await precompute(RULE_D_PRE.calls, ctx))),
  },
  'engine-build+precompute': {
    label: 'pre-compute, then json-logic-engine build',
    async: true,
    prepare: () => {
      const fn = makeSyncEngine().build(RULE_D_PRE.rule);
      return async (ctx) => fn(withDb(ctx, await precompute(RULE_D_PRE.calls, ctx)));
    },
  },
  'async-build+async-method': {
    label: 'AsyncLogicEngine build, async events_count method',
    async: true,
    prepare: async () => {
      const fn = await makeAsyncEngine().build(RULE_D);
      return (ctx) => fn(ctx);
    },
  },
};

function variantsFor(ruleName) {
  return ruleName === 'D' ? VARIANTS_D : VARIANTS;
}

// ---------------------------------------------------------------------------
// Child: measure one (rule, variant)

async function measure(ruleName, variantName) {
  const variant = variantsFor(ruleName)[variantName];
  const rule = RULE_BY_NAME[ruleName];
  const evaluate = await variant.prepare(rule);
  const n = contexts.length;

  let truthy = 0;
  let k = 0;
  if (variant.async) {
    for (let i = 0; i < WARMUP; i++) {
      if (await evaluate(contexts[k])) truthy++;
      if (++k === n) k = 0;
    }
  } else {
    for (let i = 0; i < WARMUP; i++) {
      if (evaluate(contexts[k])) truthy++;
      if (++k === n) k = 0;
    }
  }

  truthy = 0;
  k = 0;
  const batches = EVALS / BATCH;
  const batchNs = new Float64Array(batches);
  const start = process.hrtime.bigint();
  if (variant.async) {
    for (let b = 0; b < batches; b++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < BATCH; i++) {
        if (await evaluate(contexts[k])) truthy++;
        if (++k === n) k = 0;
      }
      batchNs[b] = Number(process.hrtime.bigint() - t0);
    }
  } else {
    for (let b = 0; b < batches; b++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < BATCH; i++) {
        if (evaluate(contexts[k])) truthy++;
        if (++k === n) k = 0;
      }
      batchNs[b] = Number(process.hrtime.bigint() - t0);
    }
  }
  const totalNs = Number(process.hrtime.bigint() - start);

  const perEval = Array.from(batchNs, (ns) => ns / BATCH).sort((x, y) => x - y);
  const pct = (p) => perEval[Math.min(perEval.length - 1, Math.ceil(p * perEval.length) - 1)];

  // One-off compile cost (mean of 200 builds), for the variants that have a build step.
  let buildUs = null;
  if (variant.buildOnly) {
    const builds = 200;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < builds; i++) await variant.buildOnly(rule);
    buildUs = Number(process.hrtime.bigint() - t0) / builds / 1000;
  }

  return {
    rule: ruleName,
    variant: variantName,
    evals: EVALS,
    truthy,
    opsPerSec: EVALS / (totalNs / 1e9),
    meanNs: totalNs / EVALS,
    p50Ns: pct(0.5),
    p99Ns: pct(0.99),
    maxBatchNs: perEval[perEval.length - 1],
    buildUs,
  };
}

// ---------------------------------------------------------------------------
// Parent: verify identical results, then run each measurement in a child process

async function evaluateAll(ruleName, variant) {
  const evaluate = await variant.prepare(RULE_BY_NAME[ruleName]);
  const out = [];
  for (const ctx of contexts) {
    try {
      out.push({ value: variant.async ? await evaluate(ctx) : evaluate(ctx) });
    } catch (err) {
      out.push({ thrown: Number.isNaN(err) ? 'NaN' : (JSON.stringify(err) ?? String(err)) });
    }
  }
  return out;
}

async function verify(ruleName) {
  const expected = [];
  for (const ctx of contexts) {
    const data = ruleName === 'D' ? withDb(ctx, await precompute(RULE_D_PRE.calls, ctx)) : ctx;
    expected.push({ value: jsonLogic.apply(ruleName === 'D' ? RULE_D_PRE.rule : RULE_BY_NAME[ruleName], data) });
  }
  let mismatches = 0;
  for (const [name, variant] of Object.entries(variantsFor(ruleName))) {
    const got = await evaluateAll(ruleName, variant);
    for (let i = 0; i < contexts.length; i++) {
      if (!isDeepStrictEqual(got[i], expected[i])) {
        if (mismatches < 10) {
          console.error(
            `MISMATCH rule ${ruleName} ${name} context #${i}: expected ${JSON.stringify(expected[i])}, got ${JSON.stringify(got[i])}\n` +
              `  context: ${JSON.stringify(contexts[i])}`,
          );
        }
        mismatches++;
      }
    }
  }
  // Expected number of truthy results over EVALS evaluations cycling through the contexts.
  const truthyPerCycle = expected.map((e) => (jsonLogic.truthy(e.value) ? 1 : 0));
  let expectedTruthy = 0;
  for (let i = 0; i < EVALS; i++) expectedTruthy += truthyPerCycle[i % contexts.length];
  const truthyShare = truthyPerCycle.reduce((a, b) => a + b, 0) / contexts.length;
  return { mismatches, expectedTruthy, truthyShare };
}

function cpuModel() {
  const cpus = os.cpus();
  return cpus.length > 0 ? cpus[0].model : 'unknown';
}

function fmtInt(x) {
  return Math.round(x).toLocaleString('en-US');
}

async function parent() {
  const self = fileURLToPath(import.meta.url);
  const header = {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    cpu: cpuModel(),
    cpus: os.availableParallelism(),
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    jsonLogicJs: '2.0.5',
    jsonLogicEngine: '5.0.7',
    evals: EVALS,
    warmup: WARMUP,
    batch: BATCH,
    contexts: contexts.length,
  };
  if (!JSON_OUTPUT) {
    console.log(
      `JSONLogic engines: ${EVALS.toLocaleString('en-US')} evaluations per row after ${WARMUP.toLocaleString('en-US')} warm-up, ` +
        `batches of ${BATCH}, ${contexts.length} contexts\n` +
        `node ${header.node} (V8 ${header.v8}), ${header.cpu}, ${header.cpus} CPUs, ${header.memGiB} GiB, ${header.platform}\n`,
    );
  }

  let failed = false;
  const rows = [];
  for (const ruleName of RULES) {
    const { mismatches, expectedTruthy, truthyShare } = await verify(ruleName);
    if (mismatches > 0) {
      console.error(`rule ${ruleName}: ${mismatches} mismatching results`);
      failed = true;
      continue;
    }
    // AsyncLogicEngine#build always returns a function that returns a Promise; the code it
    // compiles inside is synchronous unless an async method is reachable. `top: false`
    // exposes which one it compiled.
    const inner = await makeAsyncEngine().build(ruleName === 'D' ? RULE_D : RULE_BY_NAME[ruleName], { top: false });
    const asyncFnKind = inner[Symbol.for('json_logic_sync')] ? 'synchronous code (wrapped in Promise.resolve)' : 'async code';
    if (!JSON_OUTPUT) {
      console.log(
        `rule ${ruleName}: all variants agree on ${contexts.length} contexts (${(truthyShare * 100).toFixed(1)}% true); ` +
          `AsyncLogicEngine#build produced ${asyncFnKind}`,
      );
    }
    for (const variantName of Object.keys(variantsFor(ruleName))) {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, self, `--child=${ruleName}:${variantName}`, `--evals=${EVALS}`, `--warmup=${WARMUP}`, `--batch=${BATCH}`],
        { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      );
      if (child.status !== 0) {
        console.error(`child ${ruleName}:${variantName} failed (status ${child.status})\n${child.stderr}`);
        failed = true;
        continue;
      }
      const row = JSON.parse(child.stdout.trim().split('\n').pop());
      if (row.truthy !== expectedTruthy) {
        console.error(`MISMATCH rule ${ruleName} ${variantName}: ${row.truthy} truthy results while measuring, expected ${expectedTruthy}`);
        failed = true;
      }
      rows.push(row);
    }
  }

  if (JSON_OUTPUT) {
    console.log(JSON.stringify({ ...header, rows }, null, 2));
  } else if (rows.length > 0) {
    console.log('\n| Rule | Variant | ops/s | mean ns/eval | p50 ns/eval | p99 ns/eval | vs json-logic-js | build µs |');
    console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of rows) {
      const baseline = rows.find((r) => r.rule === row.rule && r.variant.startsWith('js-apply'));
      const ratio = baseline ? `${(row.opsPerSec / baseline.opsPerSec).toFixed(2)}×` : '';
      const label = variantsFor(row.rule)[row.variant].label;
      console.log(
        `| ${row.rule} | ${label} | ${fmtInt(row.opsPerSec)} | ${fmtInt(row.meanNs)} | ${fmtInt(row.p50Ns)} | ${fmtInt(row.p99Ns)} | ${ratio} | ${
          row.buildUs === null ? '' : row.buildUs.toFixed(1)
        } |`,
      );
    }
    console.log('\np50/p99: percentiles over batches of the mean ns per evaluation within each batch.');
  }
  if (failed) {
    console.error('FAILED: results differ between engines (or a child failed)');
    process.exit(1);
  }
}

if (CHILD) {
  const [ruleName, variantName] = CHILD.split(':');
  if (!variantsFor(ruleName)[variantName]) {
    console.error(`unknown child ${CHILD}`);
    process.exit(2);
  }
  console.log(JSON.stringify(await measure(ruleName, variantName)));
} else {
  await parent();
}
