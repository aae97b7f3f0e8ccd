import { Clock } from '../common/clock';

/** A clock tests move by hand. */
export class ManualClock extends Clock {
  private current: Date;

  constructor(start: Date = new Date('2026-11-22T10:00:00.000Z')) {
    super();
    this.current = new Date(start.getTime());
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }

  set(date: Date): void {
    this.current = new Date(date.getTime());
  }
}
