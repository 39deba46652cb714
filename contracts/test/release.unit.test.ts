import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ContractLoadError, ReleaseRefusedError } from '../src/errors.js';
import { readReleaseLock, releasedCopyOf, serializeReleaseLock } from '../src/release-lock.js';
import { planRelease, writeRelease } from '../src/release.js';
import { fixture } from './fixtures.js';

describe('planRelease', () => {
  it('adds new schemas, refreshes released ones changed compatibly, leaves the others', () => {
    const plan = planRelease(fixture('contracts', 'events'), fixture('contracts', 'released.lock.json'));
    expect(plan).toMatchObject({
      violations: [],
      added: [{ file: 'test/SampleRecorded.v2.schema.json', ceType: 'carenet.test.SampleRecorded.v2' }],
      updated: [{ file: 'test/SampleRecorded.v1.schema.json', ceType: 'carenet.test.SampleRecorded.v1' }],
      unchanged: [{ file: 'test/SampleDiscarded.v1.schema.json', ceType: 'carenet.test.SampleDiscarded.v1' }],
    });
  });

  it('refuses to release while released schemas are broken, before writing anything', () => {
    const plan = planRelease(
      fixture('released-broken', 'events'),
      fixture('released-broken', 'released.lock.json'),
    );
    expect(plan.violations).toHaveLength(5);
    expect([plan.added, plan.updated, plan.unchanged]).toEqual([[], [], []]);
    expect(() => writeRelease(plan)).toThrow(ReleaseRefusedError);
  });

  it('refuses an events folder the registry refuses', () => {
    expect(() =>
      planRelease(fixture('invalid-events', 'events'), fixture('invalid-events', 'released.lock.json')),
    ).toThrow(ContractLoadError);
  });
});

describe('released.lock.json', () => {
  it('is written in the format it is read in (sorted, two-space JSON, as Prettier leaves it)', () => {
    for (const name of ['contracts', 'released-broken']) {
      const lockFile = fixture(name, 'released.lock.json');
      expect(serializeReleaseLock(readReleaseLock(lockFile))).toBe(readFileSync(lockFile, 'utf8'));
    }
  });

  it('keeps each released copy under released/<context>/<file>, next to the lock', () => {
    expect(
      releasedCopyOf(fixture('contracts', 'released.lock.json'), 'test/SampleRecorded.v1.schema.json'),
    ).toBe(fixture('contracts', 'released', 'test', 'SampleRecorded.v1.schema.json'));
  });
});
