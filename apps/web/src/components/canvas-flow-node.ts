import type { Node } from '@xyflow/react';
import type { CanvasNodeData } from '@/lib/canvas-graph';

/** React Flow's view of a Parley node: rendered by `FlowNodeCard` under the "parley" node type. */
export type CanvasFlowNode = Node<CanvasNodeData, 'parley'>;
