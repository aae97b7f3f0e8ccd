// Micro-benchmark (issue 15 task, issue 12's CPU per message): the reports' intent counting of customer texts.
// Before: each intent's matcher asked in turn (IntentMatcher.matches, one search per keyword of every intent).
// After: IntentMatcher.matchAll, one pass over the text for every intent. Both from the built engine
// (apps/engine/dist), with the workspace's default intents, over the demo generator's customer texts and
// longer made-up ones. Not a test: figures go to docs/BENCHMARKS.md with the load.
//
//   node tools/bench/reports/intent-matching.bench.mjs [--texts=200000] [--rounds=5] [--long=0.3]

import os from 'node:os';
import { engineRequire, fmt, log, parseOptions, run, table } from '../engine/bench-lib.mjs';

const USAGE = 'node tools/bench/reports/intent-matching.bench.mjs [--texts=200000] [--rounds=5] [--long=0.3]';
const o = parseOptions({ texts: 200_000, rounds: 5, long: 0.3 }, USAGE);

const SHORT = [
  'Quanto costa il divano?',
  'Avete uno sconto?',
  'Dove è il mio ordine?',
  'Orari del negozio?',
  'What is the price of the sofa?',
  'Any discount today?',
  'Where is my order?',
  'Ile kosztuje sofa?',
  'Czy jest rabat?',
  '¿Cuánto cuesta el sofá?',
  'Gibt es einen Rabatt?',
  'Combien coûte le canapé ?',
  'ok grazie',
  'Thanks!',
];
const FILLER =
  'buongiorno volevo sapere se il modello che ho visto ieri in negozio è ancora disponibile nel colore grigio chiaro e quando arriva'.split(
    ' ',
  );

run(async () => {
  const { IntentMatcher } = engineRequire('./dist/logic/intent-matcher.js');
  const { workspaceSettingsSchema } = engineRequire('./dist/workspaces/workspace-settings.js');
  const { effectiveIntents } = engineRequire('./dist/workspaces/workspace-settings.js');
  const settings = workspaceSettingsSchema.parse({});
  const names = Object.keys(effectiveIntents(settings));
  const keywords = Object.values(effectiveIntents(settings)).reduce((n, list) => n + list.length, 0);
  const matcher = new IntentMatcher(settings);
  // Deterministic texts: a third longer (a filler sentence around a short one).
  let seed = 42;
  const next = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor(seed / 65536) % n;
  };
  const texts = Array.from({ length: o.texts }, (_, i) => {
    const short = `${SHORT[next(SHORT.length)]} ${i % 97}`;
    if (next(1000) >= o.long * 1000) return short;
    const words = Array.from({ length: 8 + next(16) }, () => FILLER[next(FILLER.length)]);
    return `${words.join(' ')} ${short}`;
  });
  const perIntent = (text) => names.filter((name) => matcher.matches(text, name));
  const onePass = (text) => matcher.matchAll(text);
  // The same answers first (the spec checks this on random texts too).
  let matched = 0;
  for (const text of texts) {
    const a = perIntent(text).join(',');
    const b = onePass(text).join(',');
    if (a !== b) throw new Error(`different answers for ${JSON.stringify(text)}: ${a} / ${b}`);
    if (a) matched += 1;
  }
  log(`${names.length} intents, ${keywords} keywords; ${o.texts} texts, ${matched} match an intent; load ${os.loadavg()[0].toFixed(2)}`);
  const rows = [];
  const results = { perIntent: [], onePass: [] };
  for (let round = 0; round < o.rounds; round += 1) {
    for (const [name, fn] of [
      ['perIntent', perIntent],
      ['onePass', onePass],
    ]) {
      let sink = 0;
      const started = process.hrtime.bigint();
      for (const text of texts) sink += fn(text).length;
      const ns = Number(process.hrtime.bigint() - started);
      if (sink !== results[name].sink && results[name].sink !== undefined) throw new Error('unstable');
      results[name].sink = sink;
      results[name].push(ns / o.texts);
    }
  }
  for (const [name, label] of [
    ['perIntent', 'each intent in turn (before)'],
    ['onePass', 'one pass (matchAll, after)'],
  ]) {
    const sorted = [...results[name]].sort((a, b) => a - b);
    rows.push([label, fmt(sorted[Math.floor(sorted.length / 2)] / 1000, 2), fmt(sorted[0] / 1000, 2)]);
  }
  console.log(table(['intent counting', 'µs per text (median of rounds)', 'best round'], rows));
  console.log(`load average (1 min) at the end ${os.loadavg()[0].toFixed(2)}; node ${process.version}; ${os.cpus()[0]?.model}`);
});
