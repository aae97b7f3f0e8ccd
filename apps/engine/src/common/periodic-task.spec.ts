import { Logger } from '@nestjs/common';
import { PeriodicTask } from './periodic-task';

class RecordingLogger extends Logger {
  readonly warnings: string[] = [];
  override warn(message: unknown): void {
    this.warnings.push(String(message));
  }
}

describe('PeriodicTask', () => {
  it('never runs twice at once: a run asked for while one is in progress is skipped', async () => {
    const task = new PeriodicTask(new RecordingLogger('test'), 'Job failed');
    let release: () => void = () => undefined;
    let runs = 0;
    const slow = () => {
      runs += 1;
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    };
    const first = task.run(slow);
    await task.run(slow);
    expect(runs).toBe(1);
    release();
    await first;
    const next = task.run(slow);
    release();
    await next;
    expect(runs).toBe(2);
  });

  it('logs a failed run and runs again next time', async () => {
    const logger = new RecordingLogger('test');
    const task = new PeriodicTask(logger, 'Job failed');
    await task.run(() => Promise.reject(new Error('database away')));
    expect(logger.warnings).toEqual(['Job failed: database away']);
    let ran = false;
    await task.run(async () => {
      ran = true;
    });
    expect(ran).toBe(true);
  });

  it('runs on its interval until stopped', async () => {
    const task = new PeriodicTask(new RecordingLogger('test'), 'Job failed');
    let runs = 0;
    await new Promise<void>((resolve) => {
      task.start(5, async () => {
        runs += 1;
        if (runs === 3) resolve();
      });
    });
    task.stop();
    const stoppedAt = runs;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toBe(stoppedAt);
  });
});
