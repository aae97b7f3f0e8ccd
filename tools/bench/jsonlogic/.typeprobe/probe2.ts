import { LogicEngine } from 'json-logic-engine';
const e = new LogicEngine();
const f = e.build({ '==': [1, 1] });
export const r: boolean = f({});
