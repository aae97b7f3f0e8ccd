import type { LogicEngine as LogicEngineT } from 'json-logic-engine' with { 'resolution-mode': 'import' };
type JLE = typeof import('json-logic-engine', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LogicEngine } = require('json-logic-engine') as JLE;
const e: LogicEngineT = new LogicEngine();
e.addMethod('intent', ([text, name]: unknown[]) => String(text).includes(String(name)), { deterministic: true });
const f = e.build({ intent: [{ var: 'event.text' }, 'buy'] });
const r: boolean = f({ event: { text: 'buy' } });
export { r };
