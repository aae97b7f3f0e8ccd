#!/usr/bin/env node
// Companion to jsonlogic-engines.bench.mjs: prints, as a Markdown table, JSONLogic rules on
// which json-logic-js 2.0.5 and json-logic-engine 5.0.7 (default LogicEngine, interpreted
// `run` and compiled `build`) return different results. Informational; always exits 0.
//
// Usage: node tools/bench/jsonlogic/jsonlogic-differences.mjs [--all]
//   --all  also print the cases on which every engine agrees

import jsonLogic from 'json-logic-js';
import { LogicEngine } from 'json-logic-engine';

const engine = new LogicEngine();

const CASES = [
  // [topic, rule, data]
  ['truthiness', { '!!': [{ var: 'o' }] }, { o: {} }],
  ['truthiness', { '!!': [[]] }, {}],
  ['truthiness', { '!!': ['0'] }, {}],
  ['var default', { var: ['a.b', 'dflt'] }, { a: {} }],
  ['var default', { var: ['a.b', 'dflt'] }, { a: { b: null } }],
  ['var default', { var: ['a.b', 'dflt'] }, { a: { b: 0 } }],
  ['var dotted key', { var: 'a\\.b' }, { 'a.b': 1 }],
  ['var array index', { var: 'a.1' }, { a: ['x', 'y'] }],
  ['numeric string compare', { '>=': [{ var: 'age' }, 18] }, { age: '34' }],
  ['numeric string compare', { '>=': [{ var: 'age' }, 18] }, { age: 'n/a' }],
  ['numeric string compare', { '<': ['10', '9'] }, {}],
  ['compare with array', { '>=': [{ var: 'x' }, 3] }, { x: [5] }],
  ['==', { '==': [{ var: 'x' }, 1] }, { x: 'abc' }],
  ['==', { '!=': [{ var: 'x' }, 1] }, { x: 'abc' }],
  ['==', { '==': [{ var: 'x' }, 0] }, { x: null }],
  ['==', { '==': [{ var: 'x' }, false] }, { x: null }],
  ['==', { '==': [{ var: 'tags' }, 'vip'] }, { tags: ['vip'] }],
  ['in', { in: ['price', { var: 'text' }] }, { text: 'what price?' }],
  ['in', { in: ['x', { var: 'n' }] }, { n: 5 }],
  ['in', { in: [{ var: 'v' }, [null]] }, {}],
  ['some / all', { some: [{ var: 'tags' }, { '==': [{ var: '' }, 'vip'] }] }, { tags: 'vip' }],
  ['some / all', { some: [{ var: 'tags' }, { '==': [{ var: '' }, 'vip'] }] }, { tags: null }],
  ['some / all', { all: [{ var: 'tags' }, { var: '' }] }, { tags: null }],
  ['some / all', { all: [[], true] }, {}],
  ['missing', { missing: ['a', 'b'] }, { a: null, b: '' }],
  ['arithmetic', { '+': [{ var: 'x' }, 1] }, { x: '12abc' }],
  ['arithmetic', { '+': [{ var: 'x' }, 1] }, { x: null }],
  ['arithmetic', { '/': [1, 0] }, {}],
  ['arithmetic', { max: [{ var: 'x' }, 1] }, { x: '3' }],
  ['strings', { substr: [{ var: 'n' }, 1, 2] }, { n: 12345 }],
  ['and / or', { and: [] }, {}],
  ['object literal', { in: ['a', { a: 1 }] }, {}],
  ['unknown operator', { nope: [1] }, {}],
];

function show(fn) {
  try {
    const v = fn();
    if (v === undefined) return 'undefined';
    if (typeof v === 'function') return 'function';
    if (typeof v === 'number' && !Number.isFinite(v)) return '`' + String(v) + '`';
    return '`' + JSON.stringify(v) + '`';
  } catch (err) {
    if (Number.isNaN(err)) return 'throws `NaN`';
    if (err instanceof Error) return `throws ${err.constructor.name} "${err.message}"`;
    return 'throws `' + JSON.stringify(err) + '`';
  }
}

const all = process.argv.includes('--all');
console.log('| Topic | Rule | Data | json-logic-js | engine run | engine build |');
console.log('| --- | --- | --- | --- | --- | --- |');
let differing = 0;
for (const [topic, rule, data] of CASES) {
  const js = show(() => jsonLogic.apply(rule, data));
  const run = show(() => engine.run(rule, data));
  const build = show(() => engine.build(rule)(data));
  const same = js === run && run === build;
  if (!same) differing++;
  if (same && !all) continue;
  console.log(`| ${topic} | \`${JSON.stringify(rule)}\` | \`${JSON.stringify(data)}\` | ${js} | ${run} | ${build} |`);
}
console.log(`\n${differing} of ${CASES.length} cases differ.`);
