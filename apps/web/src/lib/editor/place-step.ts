import { editorCatalog } from './editor-catalog';
import type { EditorStore } from './editor-store';
import { additionProblem } from './connection-problem';
import { addNode, insertAfter, type XY } from './flow-edits';
import { isRecord } from './is-record';
import type { NodeTypeInfo } from '../node-type-info';

function defaultConfigOf(info: NodeTypeInfo): Record<string, unknown> {
  const fromDefinition = editorCatalog.get(info.type, info.version)?.defaultConfig;
  const config = isRecord(info.defaultConfig) ? info.defaultConfig : fromDefinition;
  // A copy: the catalogue's defaults must never be edited in place.
  return isRecord(config) ? structuredClone(config) : {};
}

function firstOutputOf(info: NodeTypeInfo): string | null {
  const definition = editorCatalog.get(info.type, info.version);
  return (definition?.outputs ?? info.outputs)[0]?.name ?? null;
}

/** Adds a step of this type at `position` (flow coordinates) and selects it; false with a notice when refused. */
export function placeStep(store: EditorStore, info: NodeTypeInfo, position: XY): boolean {
  const state = store.getState();
  const problem = additionProblem(state.document, editorCatalog, info.type, info.version);
  if (problem) {
    state.setNotice(problem);
    return false;
  }
  let added = '';
  state.edit((document) => {
    const result = addNode(document, { type: info.type, typeVersion: info.version, config: defaultConfigOf(info), position });
    added = result.id;
    return result.document;
  });
  state.select({ nodeIds: [added], edgeIds: [], noteIds: [] });
  state.setNotice(null);
  return true;
}

/** Adds a step after an output (between it and where it led, if anywhere) and selects it. */
export function insertStep(store: EditorStore, info: NodeTypeInfo, at: { source: string; sourceOutput: string }): boolean {
  const state = store.getState();
  const problem = additionProblem(state.document, editorCatalog, info.type, info.version);
  if (problem) {
    state.setNotice(problem);
    return false;
  }
  if (editorCatalog.get(info.type, info.version)?.kind === 'trigger') {
    state.setNotice('A trigger starts the flow: it cannot come after another step.');
    return false;
  }
  let added = '';
  state.edit((document) => {
    const result = insertAfter(
      document,
      at,
      { type: info.type, typeVersion: info.version, config: defaultConfigOf(info) },
      firstOutputOf(info),
    );
    added = result.id;
    return result.document;
  });
  state.select({ nodeIds: [added], edgeIds: [], noteIds: [] });
  state.setNotice(null);
  return true;
}
