import type { NodeHandler, StepHandler, TriggerHandler } from '@parley/node-sdk';

/** Server-side handlers by node type and version. */
export class NodeHandlerRegistry {
  private readonly byKey = new Map<string, NodeHandler>();

  constructor(handlers: readonly NodeHandler[]) {
    for (const handler of handlers) {
      const key = `${handler.type}@${handler.version}`;
      if (this.byKey.has(key)) throw new Error(`Two handlers for node type ${key}`);
      this.byKey.set(key, handler);
    }
  }

  get(type: string, version: number): NodeHandler | undefined {
    return this.byKey.get(`${type}@${version}`);
  }

  trigger(type: string, version: number): TriggerHandler | undefined {
    const handler = this.get(type, version);
    return handler?.role === 'trigger' ? handler : undefined;
  }

  step(type: string, version: number): StepHandler | undefined {
    const handler = this.get(type, version);
    return handler?.role === 'step' ? handler : undefined;
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }
}
