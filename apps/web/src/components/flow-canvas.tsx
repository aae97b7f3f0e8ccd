'use client';

import '@xyflow/react/dist/style.css';
import {
  Background,
  BackgroundVariant,
  Controls,
  type Edge,
  MarkerType,
  MiniMap,
  type NodeTypes,
  ReactFlow,
  useNodesState,
} from '@xyflow/react';
import { useCallback, useMemo } from 'react';
import type { CanvasEdgeModel, CanvasGraph, CanvasNodeModel, NodeAccent } from '@/lib/canvas-graph';
import type { CanvasFlowNode } from './canvas-flow-node';
import styles from './flow-canvas.module.css';
import { FlowNodeCard } from './flow-node-card';
import { NodeDetailsPanel } from './node-details-panel';

// Module level: a new object on every render would make React Flow remount every node.
const nodeTypes = { parley: FlowNodeCard } satisfies NodeTypes;

const MINIMAP_STYLE = { width: 168, height: 112 };
const FIT_VIEW_OPTIONS = { padding: 0.25, maxZoom: 1 };

const MINIMAP_COLORS: Record<NodeAccent, string> = {
  trigger: '#f59e0b',
  condition: '#3b82f6',
  action: '#22c55e',
  timing: '#8b5cf6',
  control: '#64748b',
  unknown: '#94a3b8',
};

function miniMapColor(node: CanvasFlowNode): string {
  return MINIMAP_COLORS[node.data.accent];
}

function toFlowNode(node: CanvasNodeModel): CanvasFlowNode {
  return {
    id: node.id,
    type: 'parley',
    position: node.position,
    data: node.data,
    draggable: false,
    connectable: false,
    deletable: false,
    ariaLabel: node.data.label ? `${node.data.displayName}: ${node.data.label}` : node.data.displayName,
  };
}

function toFlowEdge(edge: CanvasEdgeModel): Edge {
  return {
    id: edge.id,
    source: edge.source,
    sourceHandle: edge.sourceOutput,
    target: edge.target,
    type: 'smoothstep',
    label: edge.label ?? undefined,
    ariaLabel: edge.description,
    selectable: false,
    deletable: false,
    reconnectable: false,
    markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18, color: '#98a2b3' },
    style: { stroke: '#98a2b3', strokeWidth: 1.5 },
    labelBgPadding: [6, 3],
    labelBgBorderRadius: 4,
  };
}

interface FlowCanvasProps {
  graph: CanvasGraph;
}

/** The flow drawn read-only; selecting a node (click, or Tab then Enter) opens its details. */
export function FlowCanvas({ graph }: FlowCanvasProps) {
  const initialNodes = useMemo(() => graph.nodes.map(toFlowNode), [graph.nodes]);
  const edges = useMemo(() => graph.edges.map(toFlowEdge), [graph.edges]);
  const [nodes, setNodes, onNodesChange] = useNodesState(initialNodes);
  const selected = nodes.find((node) => node.selected === true) ?? null;

  const clearSelection = useCallback(() => {
    setNodes((current) => current.map((node) => (node.selected ? { ...node, selected: false } : node)));
  }, [setNodes]);

  return (
    <div className={styles.workspace}>
      <section className={styles.canvas} aria-label="Flow canvas">
        <ReactFlow<CanvasFlowNode>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          nodesDraggable={false}
          nodesConnectable={false}
          edgesReconnectable={false}
          elementsSelectable
          deleteKeyCode={null}
          fitView
          fitViewOptions={FIT_VIEW_OPTIONS}
          minZoom={0.2}
          maxZoom={2}
        >
          <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} color="#c7cdd6" />
          <Controls showInteractive={false} />
          <MiniMap<CanvasFlowNode> nodeColor={miniMapColor} nodeBorderRadius={6} pannable zoomable style={MINIMAP_STYLE} />
        </ReactFlow>
        {graph.nodes.length === 0 ? (
          <div className={styles.empty} role="status">
            <h2>This flow has no nodes yet</h2>
            <p>Its draft is empty.</p>
          </div>
        ) : null}
      </section>
      <NodeDetailsPanel node={selected?.data ?? null} onClose={clearSelection} />
    </div>
  );
}
