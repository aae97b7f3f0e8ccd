import { histogramSpans } from './histogram-spans';

const at = (iso: string): Date => new Date(iso);

describe('histogramSpans', () => {
  it('reads whole UTC days from daily rows and the ragged ends from hourly ones', () => {
    expect(histogramSpans(at('2026-03-08T23:00:00Z'), at('2026-03-15T23:00:00Z'))).toEqual({
      days: [at('2026-03-09T00:00:00Z'), at('2026-03-15T00:00:00Z')],
      head: [at('2026-03-08T23:00:00Z'), at('2026-03-09T00:00:00Z')],
      tail: [at('2026-03-15T00:00:00Z'), at('2026-03-15T23:00:00Z')],
    });
  });

  it('a range aligned on days has empty ends; a range inside one day reads hours only', () => {
    const aligned = histogramSpans(at('2026-03-09T00:00:00Z'), at('2026-03-16T00:00:00Z'));
    expect(aligned.head[0].getTime()).toBe(aligned.head[1].getTime());
    expect(aligned.tail[0].getTime()).toBe(aligned.tail[1].getTime());
    expect(histogramSpans(at('2026-03-09T05:00:00Z'), at('2026-03-09T20:00:00Z'))).toEqual({
      days: [at('2026-03-09T20:00:00Z'), at('2026-03-09T20:00:00Z')],
      head: [at('2026-03-09T05:00:00Z'), at('2026-03-09T20:00:00Z')],
      tail: [at('2026-03-09T20:00:00Z'), at('2026-03-09T20:00:00Z')],
    });
  });
});
