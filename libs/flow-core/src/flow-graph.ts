import type { FlowDocument, FlowEdge } from './flow-document';

/** Outgoing edges per node id, in document order. */
export function outgoingEdges(document: FlowDocument): Map<string, FlowEdge[]> {
  const out = new Map<string, FlowEdge[]>();
  for (const edge of document.edges) {
    const list = out.get(edge.source);
    if (list) {
      list.push(edge);
    } else {
      out.set(edge.source, [edge]);
    }
  }
  return out;
}

/** Node ids reachable from `startId` by following edges (including `startId`). */
export function reachableFrom(document: FlowDocument, startId: string): Set<string> {
  const out = outgoingEdges(document);
  const seen = new Set<string>([startId]);
  const stack = [startId];
  for (let current = stack.pop(); current !== undefined; current = stack.pop()) {
    for (const edge of out.get(current) ?? []) {
      if (!seen.has(edge.target)) {
        seen.add(edge.target);
        stack.push(edge.target);
      }
    }
  }
  return seen;
}

/**
 * Strongly connected components that form a cycle (more than one node, or a
 * node with an edge to itself), found with Tarjan's algorithm (iterative, so a
 * long chain cannot overflow the stack).
 */
export function findCycles(document: FlowDocument): string[][] {
  const out = outgoingEdges(document);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;

  for (const root of document.nodes) {
    if (index.has(root.id)) continue;
    const work: { id: string; next: number }[] = [{ id: root.id, next: 0 }];
    index.set(root.id, counter);
    low.set(root.id, counter);
    counter += 1;
    stack.push(root.id);
    onStack.add(root.id);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (!frame) break;
      const edges = out.get(frame.id) ?? [];
      const edge = edges[frame.next];
      if (edge) {
        frame.next += 1;
        const target = edge.target;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter);
          counter += 1;
          stack.push(target);
          onStack.add(target);
          work.push({ id: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.id, Math.min(low.get(frame.id) ?? 0, index.get(target) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) {
        low.set(parent.id, Math.min(low.get(parent.id) ?? 0, low.get(frame.id) ?? 0));
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
          onStack.delete(member);
          component.push(member);
          if (member === frame.id) break;
        }
        const selfLoop = component.length === 1 && edges.some((e) => e.target === frame.id);
        if (component.length > 1 || selfLoop) {
          cycles.push(component.reverse());
        }
      }
    }
  }
  return cycles;
}
