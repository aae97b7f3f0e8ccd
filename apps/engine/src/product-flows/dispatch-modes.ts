/** The two ways the engine dispatches work; the product-flow suites run against both. */
export const DISPATCH_MODES: [string, Record<string, string>][] = [
  ['in-process dispatch', {}],
  ...(process.env['REDIS_URL']
    ? ([['BullMQ dispatch', { REDIS_URL: process.env['REDIS_URL'], REDIS_PREFIX: `pf${Math.random().toString(36).slice(2, 8)}` }]] as [string, Record<string, string>][])
    : []),
];

/** Without Redis, reports the BullMQ run of a suite as skipped, by name. */
export function reportSkippedModes(title: string): void {
  if (!process.env['REDIS_URL']) {
    describe.skip(`${title} (BullMQ dispatch, needs REDIS_URL)`, () => {
      it('runs only with REDIS_URL', () => undefined);
    });
  }
}
