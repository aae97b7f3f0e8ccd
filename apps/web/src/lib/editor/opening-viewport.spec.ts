import { openingViewport, READABLE_ZOOM } from './opening-viewport';

const card = { width: 248, height: 150 };

describe('openingViewport', () => {
  it('shows a small flow whole, centred, at most at 100%', () => {
    const view = openingViewport(
      [
        { position: { x: 0, y: 0 }, size: card },
        { position: { x: 0, y: 222 }, size: card },
      ],
      { width: 700, height: 540 },
    );
    expect(view).toEqual({ x: 226, y: 84, zoom: 1 });
  });

  it('opens a tall flow at a readable zoom from its trigger down, centred across', () => {
    const steps = [0, 1, 2, 3, 4].map((row) => ({ position: { x: 40, y: 12 + row * 222 }, size: card }));
    const view = openingViewport(steps, { width: 688, height: 540 });
    expect(view?.zoom).toBe(READABLE_ZOOM);
    // The first card's top edge sits just under the canvas's top edge; its middle on the canvas's middle.
    expect((view?.y ?? 0) + 12 * READABLE_ZOOM).toBe(32);
    expect((view?.x ?? 0) + (40 + card.width / 2) * READABLE_ZOOM).toBe(344);
  });

  it('has nothing to show for an empty flow or an unmeasured canvas', () => {
    expect(openingViewport([], { width: 700, height: 500 })).toBeNull();
    expect(openingViewport([{ position: { x: 0, y: 0 }, size: card }], { width: 0, height: 0 })).toBeNull();
  });
});
