// The embedded mode's own topic key (issue 18): created once in the data dir, private to its
// owner, the same for every process of that dir afterwards.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { EMBEDDED_TOPIC_KEY_FILE, embeddedTopicProtection } from '../src/embedded-topic-key.js';

describe('the topic key of the embedded mode', () => {
  it('is created once (0600) in the data dir, then reused', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'carenet-topic-key-')), 'data');
    try {
      const first = embeddedTopicProtection(dataDir);
      expect(first.created).toBe(true);
      expect(first.protection.key).toHaveLength(32);
      expect(statSync(join(dataDir, EMBEDDED_TOPIC_KEY_FILE)).mode & 0o777).toBe(0o600);
      const again = embeddedTopicProtection(dataDir);
      expect(again.created).toBe(false);
      expect(again.protection.key.equals(first.protection.key)).toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
