// The fault suite's delivery check is no rubber stamp: it sees gaps, reordering, altered repeats.
import { describe, expect, it } from '@jest/globals';
import { analyseDelivery, type ObservedMessage, type StoredEvent } from './support/kafka-check.js';

const stored: StoredEvent[] = [
  { id: 'a0', streamId: 'Task-a', revision: 0, category: 'Task', type: 'TaskRequested' },
  { id: 'a1', streamId: 'Task-a', revision: 1, category: 'Task', type: 'TaskAccepted' },
  { id: 'a2', streamId: 'Task-a', revision: 2, category: 'Task', type: 'TaskStarted' },
  { id: 'b0', streamId: 'Task-b', revision: 0, category: 'Task', type: 'TaskRequested' },
];

let offset = 0;
function message(ceId: string, key: string, ceSequence?: number): ObservedMessage {
  offset += 1;
  return { topic: 'carenet.tasks', partition: 0, offset: String(offset), key, ceId, ceSequence };
}

describe('analyseDelivery', () => {
  it('passes every event once, in order per key, and ignores other runs’ events', () => {
    const result = analyseDelivery(stored, [
      message('a0', 'Task-a', 0),
      message('b0', 'Task-b', 0),
      message('zz', 'Task-z', 7),
      message('a1', 'Task-a', 1),
      message('a2', 'Task-a', 2),
    ]);
    expect(result).toEqual({
      delivered: 4,
      missing: [],
      duplicates: 0,
      withSequence: 4,
      withoutSequence: 0,
      violations: [],
    });
  });

  it('counts a re-sent batch as duplicates, in order, when it repeats exactly', () => {
    const result = analyseDelivery(stored, [
      message('a0', 'Task-a', 0),
      message('a1', 'Task-a', 1),
      message('a0', 'Task-a', 0),
      message('a1', 'Task-a', 1),
      message('a2', 'Task-a', 2),
      message('b0', 'Task-b', 0),
    ]);
    expect(result.duplicates).toBe(2);
    expect(result.violations).toEqual([]);
  });

  it('reports a missing event, a revision out of order, a wrong key, a wrong or altered sequence', () => {
    const result = analyseDelivery(stored, [
      message('a1', 'Task-a', 1),
      message('a0', 'Task-a', 0),
      message('a0', 'Task-a', 5),
      message('b0', 'Task-x', 3),
    ]);
    expect(result.missing).toEqual(['a2']);
    expect(result.violations).toEqual([
      'Task-a: revision 0 (a0) after 1 (carenet.tasks/0@' + String(offset - 2) + ')',
      'a0: ce_sequence 5 is not its stream revision 0',
      'a0: a duplicate with another ce_sequence (5)',
      'b0: key Task-x is not its stream Task-b',
      'b0: ce_sequence 3 is not its stream revision 0',
    ]);
  });

  it('falls back on the stored revision when ce_sequence is absent, and counts those messages', () => {
    const result = analyseDelivery(stored, [
      message('a0', 'Task-a'),
      message('a2', 'Task-a'),
      message('a1', 'Task-a'),
      message('b0', 'Task-b'),
    ]);
    expect(result.withoutSequence).toBe(4);
    expect(result.violations).toEqual([expect.stringContaining('Task-a: revision 1 (a1) after 2')]);
  });
});
