import { FLOW_TEMPLATES } from '@parley/flow-templates';
import { autoLayout } from './auto-layout';

const CARD = { width: 248, height: 150 };

function overlaps(a: { x: number; y: number }, b: { x: number; y: number }): boolean {
  return a.x < b.x + CARD.width && b.x < a.x + CARD.width && a.y < b.y + CARD.height && b.y < a.y + CARD.height;
}

describe('auto-layout', () => {
  it.each(FLOW_TEMPLATES.map((t) => [t.number, t.id, t] as const))(
    'lays out template %i (%s) with no two steps overlapping, each step below the one it follows',
    async (_n, _id, template) => {
      const sizes = Object.fromEntries(template.document.nodes.map((node) => [node.id, CARD]));
      const positions = await autoLayout(template.document, sizes);
      expect([...positions.keys()].sort()).toEqual(template.document.nodes.map((n) => n.id).sort());
      const placed = [...positions.entries()];
      const overlapping = placed.flatMap(([a, at], i) =>
        placed
          .slice(i + 1)
          .filter(([, bt]) => overlaps(at, bt))
          .map(([b]) => `${a}/${b}`),
      );
      expect(overlapping).toEqual([]);
      for (const edge of template.document.edges) {
        if (edge.sourceOutput === 'error') continue;
        const from = positions.get(edge.source);
        const to = positions.get(edge.target);
        if (from && to && edge.source !== edge.target)
          expect({ edge: edge.id, below: to.y >= from.y + CARD.height }).toEqual({ edge: edge.id, below: true });
      }
    },
  );

  it('puts the "Yes" branch of an If / else on the left and "No" on the right, where the card draws them', async () => {
    const template = FLOW_TEMPLATES.find((t) => t.id === 'order-status');
    if (!template) throw new Error('no order-status template');
    const sizes = Object.fromEntries(template.document.nodes.map((node) => [node.id, CARD]));
    const positions = await autoLayout(template.document, sizes);
    for (const condition of ['has-order']) {
      const target = (output: string) =>
        template.document.edges.find((e) => e.source === condition && e.sourceOutput === output)?.target ?? 'missing';
      const yes = positions.get(target('true'));
      const no = positions.get(target('false'));
      if (!yes || !no) throw new Error(`${condition} has no Yes and No steps`);
      expect({ condition, yesLeftOfNo: yes.x < no.x }).toEqual({ condition, yesLeftOfNo: true });
    }
  });
});
