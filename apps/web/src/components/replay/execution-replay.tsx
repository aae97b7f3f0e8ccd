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
import { replayPath } from '@/lib/editor/replay-path';
import { runEdgeLook, runMarkText } from '@/lib/editor/run-path-style';
import type { ExecutionDetail } from '@/lib/execution-view';
import type { NodeTypeInfo } from '@/lib/node-type-info';
import { StepEdge, type StepFlowEdge } from '../editor/step-edge';
import { StepCard } from '../editor/step-card';
import canvasStyles from '../editor/editor-canvas.module.css';
import styles from './execution-replay.module.css';
import { ReplayStepPanel } from './replay-step-panel';

const nodeTypes = { step: StepCard } satisfies NodeTypes;
const edgeTypes = { step: StepEdge } satisfies EdgeTypes;
const FIT_VIEW_OPTIONS = { padding: 0.2, maxZoom: 1 };

interface ExecutionReplayProps {
  document: FlowDocument;
  execution: ExecutionDetail;
  nodeTypes: readonly NodeTypeInfo[];
}

/** A past execution on its flow version, read-only: the path it took lit up, each step's data a click away. */
export function ExecutionReplay({ document, execution, nodeTypes: infos }: ExecutionReplayProps) {
  const { marks, travelled } = useMemo(() => replayPath(document, execution.steps), [document, execution.steps]);
  const firstFailed = execution.steps.find((step) => step.status === 'failed')?.nodeId ?? null;
  const [selected, setSelected] = useState<string | null>(firstFailed);
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
                draggable: false,
                connectable: false,
                deletable: false,
                ariaLabel: `${data.label ?? data.displayName}: ${runMarkText(marks.get(node.id))}`,
              },
            ]
          : [];
      }),
    [document.nodes, cards, selected, marks],
  );
  const edges = useMemo(
    () =>
      document.edges.map((edge): StepFlowEdge => {
        const on = travelled.has(edge.id);
        return {
          id: edge.id,
          type: 'step',
          source: edge.source,
          sourceHandle: edge.sourceOutput,
          target: edge.target,
          selectable: false,
          ariaLabel: `${on ? 'Taken' : 'Not taken'}: ${edge.source} to ${edge.target}`,
          ...runEdgeLook(on),
          data: {
            sourceOutput: edge.sourceOutput,
            outputLabel: edge.sourceOutput === 'next' ? null : edge.sourceOutput,
            description: `${edge.source} to ${edge.target}`,
            travelled: on,
          },
        };
      }),
    [document.edges, travelled],
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
              // Keyboard selection (Tab, Enter) arrives as a change, not a click.
              for (const change of changes) if (change.type === 'select' && change.selected) setSelected(change.id);
            }}
            fitView
            fitViewOptions={FIT_VIEW_OPTIONS}
            minZoom={0.1}
            proOptions={{ hideAttribution: true }}
          >
            <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} color="#c7cdd6" />
            <Controls showInteractive={false} />
            <MiniMap pannable zoomable ariaLabel="Minimap" />
          </ReactFlow>
        </section>
        <ReplayStepPanel name={node ? (cards.get(node.id)?.label ?? cards.get(node.id)?.displayName ?? node.id) : null} steps={steps} />
      </div>
    </ReactFlowProvider>
  );
}
