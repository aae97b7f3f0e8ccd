/**
 * Hard limits on a flow document. They keep a single flow from exhausting the
 * editor or the engine, and every one of them is reported by name when broken.
 */
export const FLOW_LIMITS = {
  maxNodes: 1000,
  maxEdges: 3000,
  maxNotes: 500,
  maxIdLength: 64,
  maxLabelLength: 200,
  maxNoteLength: 10_000,
  /** Serialized size of a whole flow document, in bytes (UTF-8). */
  maxDocumentBytes: 2 * 1024 * 1024,
} as const;
