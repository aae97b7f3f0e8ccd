import { createNodeCatalog, type NodeCatalog } from '@parley/flow-core';
import { NODE_DEFINITIONS } from '@parley/nodes';

/**
 * The node definitions the engine validates with, bundled into the browser so
 * the canvas shows exactly the issues a publish would report, as you type.
 */
export const editorCatalog: NodeCatalog = createNodeCatalog(NODE_DEFINITIONS);
