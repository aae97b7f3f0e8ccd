/** A problem found in a flow document. Every issue names what is wrong and where. */
export interface FlowIssue {
  code: FlowIssueCode;
  message: string;
  nodeId?: string;
  edgeId?: string;
  /** Dotted path of the offending field inside the node's config or the document. */
  field?: string;
}

export type FlowIssueCode =
  | 'invalid_document'
  | 'document_too_large'
  | 'schema_version_unsupported'
  | 'unknown_node_type'
  | 'trigger_missing'
  | 'trigger_multiple'
  | 'duplicate_id'
  | 'edge_unknown_node'
  | 'edge_unknown_output'
  | 'edge_into_trigger'
  | 'output_multiple_edges'
  | 'node_unreachable'
  | 'invalid_config'
  | 'cycle_without_wait'
  | 'invalid_template'
  | 'unknown_variable'
  /** A send step declares a category other than the one Meta gave its template (found by the engine at publish). */
  | 'template_category_mismatch';
