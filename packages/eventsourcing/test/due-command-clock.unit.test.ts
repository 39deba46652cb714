// The due-command clock: every due id gets its command, refusals skip it, scans never overlap.
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  BusinessRuleError,
  DatabaseUnavailableError,
  startDueCommandClock,
  type DueCommandClock,
  type Logger,
} from '../src/index.js';

const NOW = new Date('2026-11-26T08:00:00.000Z');

/** A logger that keeps its lines. */
function keptLogger(): Logger & { readonly lines: { level: string; fields: object; message: string }[] } {
  const lines: { level: string; fields: object; message: string }[] = [];
  const at = (level: string) => (fields: object, message: string) => {
    lines.push({ level, fields, message });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

describe('startDueCommandClock', () => {
  let clock: DueCommandClock | undefined;
  afterEach(async () => {
    await clock?.stop();
    clock = undefined;
  });

  it('sends the command of each due id at the clock instant and counts those that recorded events', async () => {
    const sent: string[] = [];
    const logger = keptLogger();
    clock = startDueCommandClock({
      name: 'test clock',
      idField: 'thingId',
      recorded: 'things done',
      intervalMs: 3_600_000,
      clock: () => NOW,
      logger,
      due: (now) => Promise.resolve(now === NOW.toISOString() ? ['a', 'b', 'c'] : []),
      send: (id, now) => {
        sent.push(`${id}@${now}`);
        return Promise.resolve(id !== 'b');
      },
    });
    expect(await clock.tick()).toBe(2);
    expect(sent).toEqual(['a', 'b', 'c'].map((id) => `${id}@${NOW.toISOString()}`));
    expect(logger.lines).toEqual([
      { level: 'info', fields: { recorded: 2 }, message: 'test clock: things done' },
    ]);
  });

  it('skips an id its decider refuses and goes on; any other error ends the scan', async () => {
    const logger = keptLogger();
    let failWith: Error = new BusinessRuleError('still-due', 'finished since');
    const sent: string[] = [];
    clock = startDueCommandClock({
      name: 'test clock',
      idField: 'thingId',
      recorded: 'things done',
      intervalMs: 3_600_000,
      logger,
      due: () => Promise.resolve(['refused', 'next']),
      send: (id) => {
        sent.push(id);
        return id === 'refused' ? Promise.reject(failWith) : Promise.resolve(true);
      },
    });
    expect(await clock.tick()).toBe(1);
    expect(sent).toEqual(['refused', 'next']);
    expect(logger.lines[0]).toEqual({
      level: 'info',
      fields: { thingId: 'refused', reason: 'finished since' },
      message: 'test clock: skipped',
    });

    failWith = new Error('connection lost');
    sent.length = 0;
    await expect(clock.tick()).rejects.toThrow('connection lost');
    expect(sent).toEqual(['refused']);
  });

  it('answers a tick during a scan with that scan, and stop waits for it', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let scans = 0;
    let done = false;
    clock = startDueCommandClock({
      name: 'test clock',
      idField: 'thingId',
      recorded: 'things done',
      intervalMs: 3_600_000,
      due: async () => {
        scans += 1;
        await gate;
        return ['a'];
      },
      send: () => {
        done = true;
        return Promise.resolve(true);
      },
    });
    const first = clock.tick();
    const second = clock.tick();
    const stopped = clock.stop();
    release();
    expect(await Promise.all([first, second])).toEqual([1, 1]);
    await stopped;
    expect(done).toBe(true);
    expect(scans).toBe(1);
    expect(await clock.tick()).toBe(1);
    expect(scans).toBe(2);
  });
});

describe('startDueCommandClock with the database away', () => {
  it('ends the scan without skipping any id, warns, and scans again at the next interval', async () => {
    const logger = keptLogger();
    let down = true;
    const sent: string[] = [];
    const clock = startDueCommandClock({
      name: 'test clock',
      idField: 'thingId',
      recorded: 'things done',
      intervalMs: 20,
      clock: () => NOW,
      logger,
      due: () => Promise.resolve(['a', 'b']),
      send: (id) => {
        if (down) return Promise.reject(new DatabaseUnavailableError('Connection terminated unexpectedly'));
        sent.push(id);
        return Promise.resolve(true);
      },
    });
    try {
      await expect(clock.tick()).rejects.toBeInstanceOf(DatabaseUnavailableError);
      expect(logger.lines.filter((l) => l.message.includes('skipped'))).toEqual([]);
      // The interval's scans fail and say why, as warnings with the driver's words only.
      while (!logger.lines.some((l) => l.level === 'warn')) await new Promise((r) => setTimeout(r, 10));
      expect(logger.lines.find((l) => l.level === 'warn')).toEqual({
        level: 'warn',
        fields: { reason: 'Connection terminated unexpectedly', code: undefined, retryInMs: 20 },
        message: 'test clock: database unavailable, scanning again at the next interval',
      });
      down = false;
      while (sent.length < 2) await new Promise((r) => setTimeout(r, 10));
      expect(sent.slice(0, 2)).toEqual(['a', 'b']);
    } finally {
      await clock.stop();
    }
  });
});
