'use client';

import '@xyflow/react/dist/style.css';
import type { FlowDocument } from '@parley/flow-core';
import {
  Background,
  BackgroundVariant,
  Controls,
  type EdgeTypes,
  MiniMap,
  type NodeTypes,
  ReactFlow,
  ReactFlowProvider,
} from '@xyflow/react';
import { useMemo, useState } from 'react';
import { buildStepCards } from '@/lib/editor/build-step-cards';
import { editorCatalog } from '@/lib/editor/editor-catalog';
import type { StepFlowNode } from '@/lib/editor/editor-node-data';
import { connectionLabel, outputLabel } from '@/lib/editor/output-label';
import { replayPath } from '@/lib/editor/replay-path';
import { runEdgeLook } from '@/lib/editor/run-path-style';
import { stepAriaLabel } from '@/lib/editor/step-aria-label';
import { initialReplayStep } from '@/lib/editor/step-outcome';
import type { ExecutionDetail } from '@/lib/execution-view';
import type { NodeTypeInfo } from '@/lib/node-type-info';
import { MINIMAP_COLORS } from '../editor/minimap-colors';
import { StepEdge, type StepFlowEdge } from '../editor/step-edge';
import { StepCard } from '../editor/step-card';
import canvasStyles from '../editor/editor-canvas.module.css';
import styles from './execution-replay.module.css';
import { ReplayStepPanel } from './replay-step-panel';

const nodeTypes = { step: StepCard } satisfies NodeTypes;
const edgeTypes = { step: StepEdge } satisfies EdgeTypes;
const MINIMAP_STYLE = { width: 160, height: 104 };

interface ExecutionReplayProps {
  document: FlowDocument;
  execution: ExecutionDetail;
  nodeTypes: readonly NodeTypeInfo[];
}

/** A past execution on its flow version, read-only: the path it took lit up, each step's data a click away. */
export function ExecutionReplay({ document, execution, nodeTypes: infos }: ExecutionReplayProps) {
  const { marks, travelled } = useMemo(() => replayPath(document, execution.steps), [document, execution.steps]);
  const [selected, setSelected] = useState<string | null>(() => initialReplayStep(execution));
  // Sizes React Flow measured, handed back on each node (the minimap draws nothing without them).
  const [measured, setMeasured] = useState<Readonly<Record<string, { width: number; height: number }>>>({});
  // The view opens on the path the run took (every step if it took none), not on the whole flow.
  const fitViewOptions = useMemo(() => {
    const path = document.nodes.filter((node) => marks.has(node.id)).map((node) => ({ id: node.id }));
    return { padding: 0.15, maxZoom: 1, ...(path.length > 0 ? { nodes: path } : {}) };
  }, [document.nodes, marks]);
  const cards = useMemo(
    () => buildStepCards({ document, catalog: editorCatalog, nodeTypes: infos, issues: [], editable: false, runMarks: marks }, new Map()),
    [document, infos, marks],
  );
  const nodes = useMemo(
    () =>
      document.nodes.flatMap((node): StepFlowNode[] => {
        const data = cards.get(node.id);
        return data
          ? [
              {
                id: node.id,
                type: 'step',
                position: node.position,
                data,
                selected: node.id === selected,
                measured: measured[node.id],
                draggable: false,
                connectable: false,
                deletable: false,
                ariaLabel: stepAriaLabel(data),
              },
            ]
          : [];
      }),
    [document.nodes, cards, selected, marks, measured],
  );
  const edges = useMemo(
    () =>
      document.edges.map((edge): StepFlowEdge => {
        const on = travelled.has(edge.id);
        const label = connectionLabel(cards.get(edge.source), edge.sourceOutput);
        const description = `${cards.get(edge.source)?.displayName ?? edge.source} to ${cards.get(edge.target)?.displayName ?? edge.target}${label ? ` when “${label}”` : ''}`;
        return {
          id: edge.id,
          type: 'step',
          source: edge.source,
          sourceHandle: edge.sourceOutput,
          target: edge.target,
          selectable: false,
          ariaLabel: `${on ? 'Taken' : 'Not taken'}: Connection from ${description}`,
          ...runEdgeLook(on),
          data: { sourceOutput: edge.sourceOutput, outputLabel: label, description, travelled: on, taken: null },
        };
      }),
    [document.edges, travelled, cards],
  );
  const steps = execution.steps.filter((step) => step.nodeId === selected);
  const node = document.nodes.find((n) => n.id === selected);
  return (
    <ReactFlowProvider>
      <div className={styles.replay}>
        <section className={canvasStyles.canvas} aria-label="Execution path">
          <ReactFlow<StepFlowNode, StepFlowEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable
            deleteKeyCode={null}
            onNodeClick={(_event, clicked) => setSelected(clicked.id)}
            onNodesChange={(changes) => {
              const sizes: Record<string, { width: number; height: number }> = {};
              for (const change of changes) {
                // Keyboard selection (Tab, Enter) arrives as a change, not a click.
                if (change.type === 'select' && change.selected) setSelected(change.id);
                if (change.type === 'dimensions' && change.dimensions) sizes[change.id] = change.dimensions;
              }
              if (Object.keys(sizes).length > 0) setMeasured((before) => ({ ...before, ...sizes }));
            }}
            fitView
            fitViewOptions={fitViewOptions}
            minZoom={0.1}
            proOptions={{ hideAttribution: true }}
          >
            <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} color="#c7cdd6" />
            <Controls showInteractive={false} />
            <MiniMap<StepFlowNode>
              nodeColor={(node) => MINIMAP_COLORS[node.data.accent]}
              nodeBorderRadius={6}
              pannable
              zoomable
              style={MINIMAP_STYLE}
              ariaLabel="Minimap"
            />
          </ReactFlow>
        </section>
        <ReplayStepPanel
          name={node ? (cards.get(node.id)?.label ?? cards.get(node.id)?.displayName ?? node.id) : null}
          steps={steps}
          branchLabel={(output) => outputLabel(selected ? cards.get(selected) : undefined, output)}
        />
      </div>
    </ReactFlowProvider>
  );
}
