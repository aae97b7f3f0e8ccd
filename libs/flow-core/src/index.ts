export {
  CURRENT_FLOW_SCHEMA_VERSION,
  DEFAULT_FLOW_SETTINGS,
  exitRuleSchema,
  flowDocumentSchema,
  flowEdgeSchema,
  flowNodeSchema,
  flowSettingsSchema,
  nodeSettingsSchema,
  retryPolicySchema,
  stickyNoteSchema,
} from './flow-document';
export type { ExitRule, FlowDocument, FlowEdge, FlowNode, FlowSettings, RetryPolicy, StickyNote } from './flow-document';
export type { FlowIssue, FlowIssueCode } from './flow-issue';
export { FLOW_LIMITS } from './flow-limits';
export { FLOW_MIGRATIONS, migrateFlowDocument } from './flow-migrations';
export type { FlowMigration, MigrateResult } from './flow-migrations';
export { parseFlowDocument } from './parse-flow-document';
export type { ParseFlowResult } from './parse-flow-document';
export { validateFlow } from './validate-flow';
export { findCycles, outgoingEdges, reachableFrom } from './flow-graph';
export { ERROR_OUTPUT, NODE_CATEGORIES, defineNode, nodeOutputs } from './node-definition';
export type { NodeCategory, NodeDefinition, NodeKind, NodeOutputDefinition } from './node-definition';
export { createNodeCatalog } from './node-catalog';
export type { NodeCatalog } from './node-catalog';
export { TEMPLATE_FILTERS, parseTemplate, templateVariables } from './template';
export type { ParseTemplateResult, TemplateFilter, TemplatePart, TemplateVariable } from './template';
export { CONTACT_VARIABLES, CRM_VARIABLES, availableVariables, isVariableAvailable, upstreamNodes } from './flow-variables';
export type { AvailableVariables } from './flow-variables';
export { logicVariables } from './logic-variables';
export { schemaPaths } from './schema-paths';
export type { SchemaPaths } from './schema-paths';
export {
  CRM_EVENT_TYPES,
  EVENT_TYPES,
  contactEventPayloadSchema,
  contactMergePayloadSchema,
  crmSignalPayloadSchema,
  dealPayloadSchema,
  flowScopedPayloadSchema,
  inboundMessagePayloadSchema,
  isEventType,
  messageNotReadPayloadSchema,
  messageStatusPayloadSchema,
  orderPayloadSchema,
} from './event-payloads';
export type { CrmEventType, EventType, InboundMessagePayload } from './event-payloads';
export {
  BEHAVIOUR_LOGIC_OPERATORS,
  PURE_CUSTOM_LOGIC_OPERATORS,
  STANDARD_LOGIC_OPERATORS,
  logicRuleProblems,
  parseWindow,
} from './logic-rules';
export { RETRY_BACKOFF_FACTOR, mayRetry, retryDelayMs } from './retry-delay';
export { decide } from './execution-transition';
export type {
  ExecutionView,
  FlowVersionView,
  StepOutcome,
  StepRecord,
  StepView,
  Transition,
  WaitPlan,
  WaitRequestView,
} from './execution-transition';
export { diffFlowSteps } from './flow-step-diff';
export type { DiffableEdge, DiffableFlow, DiffableNode, FlowStepDiff, StepChange } from './flow-step-diff';
export {
  knownTimeZone,
  wallClockToInstant,
  zoneOffset,
  zonedDay,
  zonedParts,
  zonedStartOf,
  zonedTimeToInstant,
  zonedWallTimeToIso,
} from './zoned-time';
export type { ZonedParts } from './zoned-time';
