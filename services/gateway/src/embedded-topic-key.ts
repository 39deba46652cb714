import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { topicProtection, type TopicProtection } from '@carenet/messaging';

/** Where the embedded mode keeps its topic key, in CARENET_DATA_DIR (beside the dev issuer's keys). */
export const EMBEDDED_TOPIC_KEY_FILE = 'topic-protection.key';

/**
 * The topic key of the embedded mode with Kafka and no CARENET_TOPIC_PROTECTION_KEY: created once
 * (32 random bytes, base64url, file mode 0600) in the data dir and reused, so that the relays seal
 * the personal data the contracts mark and this process's consumers open it (without a key they
 * would leave it out, and the PPCS actions' Tasks would lose their text). Every process of the data
 * dir (HTTP workers) reads the same file; the first to create it wins. The distributed mode needs
 * the key configured: its services must share it.
 */
export function embeddedTopicProtection(dataDir: string): { protection: TopicProtection; created: boolean } {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, EMBEDDED_TOPIC_KEY_FILE);
  let created = false;
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { protection: topicProtection(readFileSync(file, 'utf8')), created };
}
