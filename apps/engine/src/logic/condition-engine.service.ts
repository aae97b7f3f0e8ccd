import { Injectable } from '@nestjs/common';
import { logicVariables } from '@parley/flow-core';
import { LogicEngine } from 'json-logic-engine';
import { type BehaviourCall, extractBehaviourCalls } from './behaviour-call';
import { type BehaviourScope, BehaviourQueriesService } from './behaviour-queries.service';
import { readPath } from './template-renderer';

interface CompiledRule {
  calls: BehaviourCall[];
  run: (data: Record<string, unknown>) => unknown;
  reads: string[];
}

/** A condition that cannot be evaluated (e.g. it compares a number with text). */
export class ConditionError extends Error {}

function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === 'number' && Number.isNaN(thrown)) return 'a comparison or calculation got a value that is not a number';
  if (typeof thrown === 'object' && thrown !== null && 'type' in thrown) return String(thrown.type);
  return String(thrown);
}

function shown(value: unknown): unknown {
  return value === Number.POSITIVE_INFINITY ? 'never' : value;
}

/**
 * Evaluates conditions with json-logic-engine's compiled rules (see
 * docs/BENCHMARKS.md for why this engine). Each rule is compiled once per
 * published version (rules are cached by object identity; compiled versions
 * never change), behaviour operators are answered from PostgreSQL first, and
 * the result comes with the values the rule saw.
 */
@Injectable()
export class ConditionEngineService {
  private readonly engine = new LogicEngine();
  private readonly compiled = new WeakMap<object, CompiledRule>();

  constructor(private readonly behaviour: BehaviourQueriesService) {
    // Pure helpers receive what the rule passes them; the intents and word
    // lists come in through the data so one engine serves every workspace.
    this.engine.addMethod('intent', (args: unknown[], context: unknown) => {
      const matcher = readPath(context, '__parley.intents');
      return typeof matcher === 'object' && matcher !== null && 'matches' in matcher && typeof matcher.matches === 'function'
        ? Boolean(matcher.matches(String(args[0] ?? ''), String(args[1] ?? '')))
        : false;
    });
    this.engine.addMethod('sentiment', (args: unknown[], context: unknown) => {
      const scorer = readPath(context, '__parley.sentiment');
      return typeof scorer === 'object' && scorer !== null && 'score' in scorer && typeof scorer.score === 'function'
        ? Number(scorer.score(String(args[0] ?? '')))
        : 0.5;
    });
  }

  private compile(rule: unknown): CompiledRule {
    const key = typeof rule === 'object' && rule !== null ? rule : null;
    const cached = key ? this.compiled.get(key) : undefined;
    if (cached) return cached;
    const { rule: rewritten, calls } = extractBehaviourCalls(rule);
    let built: unknown;
    try {
      built = this.engine.build(rewritten);
    } catch (thrown) {
      throw new ConditionError(`The condition cannot be compiled: ${describeThrown(thrown)}`);
    }
    if (typeof built !== 'function') throw new ConditionError('The condition did not compile to a function');
    const fn = built;
    const compiled: CompiledRule = {
      calls,
      run: (data) => {
        try {
          const result: unknown = fn(data);
          return result;
        } catch (thrown) {
          throw new ConditionError(`The condition could not be evaluated: ${describeThrown(thrown)}`);
        }
      },
      reads: [...new Set(logicVariables(rule))],
    };
    if (key) this.compiled.set(key, compiled);
    return compiled;
  }

  /** Computes a rule's value (for variables), answering behaviour operators first. */
  async compute(
    rule: unknown,
    data: Record<string, unknown>,
    scope: BehaviourScope,
  ): Promise<{ value: unknown; values: Record<string, unknown> }> {
    const compiled = this.compile(rule);
    const behaviour: Record<string, unknown> = {};
    const values: Record<string, unknown> = {};
    for (const call of compiled.calls) {
      const value = await this.behaviour.compute(call, scope);
      behaviour[call.key] = value;
      values[call.label] = shown(value);
    }
    for (const path of compiled.reads) values[path] = shown(readPath(data, path) ?? null);
    const value = compiled.run({ ...data, __behaviour: behaviour, __parley: { intents: scope.intents, sentiment: scope.sentiment } });
    return { value, values };
  }

  async evaluate(
    rule: unknown,
    data: Record<string, unknown>,
    scope: BehaviourScope,
  ): Promise<{ result: boolean; values: Record<string, unknown> }> {
    const { value, values } = await this.compute(rule, data, scope);
    return { result: Boolean(this.engine.truthy(value)), values };
  }
}
