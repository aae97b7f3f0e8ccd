export {
  CURRENT_FLOW_SCHEMA_VERSION,
  flowDocumentSchema,
  flowEdgeSchema,
  flowNodeSchema,
  stickyNoteSchema,
} from './flow-document';
export type { FlowDocument, FlowEdge, FlowNode, StickyNote } from './flow-document';
export type { FlowIssue, FlowIssueCode } from './flow-issue';
export { FLOW_LIMITS } from './flow-limits';
export { FLOW_MIGRATIONS, migrateFlowDocument } from './flow-migrations';
export type { FlowMigration, MigrateResult } from './flow-migrations';
export { parseFlowDocument } from './parse-flow-document';
export type { ParseFlowResult } from './parse-flow-document';
export { validateFlow } from './validate-flow';
export { findCycles, outgoingEdges, reachableFrom } from './flow-graph';
export { NODE_CATEGORIES, defineNode } from './node-definition';
export type { NodeCategory, NodeDefinition, NodeKind, NodeOutputDefinition } from './node-definition';
export { createNodeCatalog } from './node-catalog';
export type { NodeCatalog } from './node-catalog';
