import { createHash } from 'node:crypto';

/**
 * A UUID (version 5 layout: SHA-1 of a namespace and a name) that is always the same for the
 * same name. Consumers use it for the events and the aggregates they create from a message
 * (`<message id>:<n>`, `<care plan>:<action>`), so that processing the message again appends
 * nothing new: the store keeps one event per id.
 */
export function deterministicId(name: string, namespace = CARENET_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** carenet's namespace for name-based ids (a fixed random UUID). */
export const CARENET_NAMESPACE = '6f1c2b1e-8a43-4d2f-9b0e-3c5d7a9e1f20';
