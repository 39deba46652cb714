import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { joinSealed, PROTECTED_MEMBER, type SealedSplit, type SealedValues } from '@carenet/contracts';
import type { JsonObject } from '@carenet/eventsourcing';
import type { EventContracts } from './event-contracts.js';

/**
 * The key that seals personal data on the topics (contracts/README.md, "Personal data on the
 * topics"): 32 bytes, base64url (or base64) encoded. The relay that holds it puts the values a
 * schema marks `"x-personal-data": "sealed"` into the message's `protected` member, encrypted; the
 * consumers that hold it put them back. Without it, the relay leaves them out of the messages.
 */
export const TOPIC_PROTECTION_KEY_ENV = 'CARENET_TOPIC_PROTECTION_KEY';

/** A topic key, checked (see topicProtection). */
export interface TopicProtection {
  /** The AES-256-GCM key. */
  readonly key: Buffer;
}

/** The topic key given is not 32 bytes of base64url or base64. */
export class InvalidTopicProtectionKeyError extends Error {
  constructor(reason: string) {
    super(
      `${TOPIC_PROTECTION_KEY_ENV}: ${reason} (32 random bytes, base64url, e.g. \`openssl rand -base64 32\`)`,
    );
    this.name = 'InvalidTopicProtectionKeyError';
  }
}

/** A message's `protected` member cannot be opened: another key, altered, or another event's. */
export class ProtectedDataError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProtectedDataError';
  }
}

/** Checks and decodes a topic key (base64url or base64 of 32 bytes). */
export function topicProtection(encoded: string): TopicProtection {
  const text = encoded.trim();
  if (!/^[A-Za-z0-9_\-+/]+={0,2}$/.test(text)) throw new InvalidTopicProtectionKeyError('not base64url');
  const key = Buffer.from(text.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, ''), 'base64url');
  if (key.length !== 32) {
    throw new InvalidTopicProtectionKeyError(`${key.length} bytes where an AES-256 key has 32`);
  }
  return { key };
}

/** The key of `CARENET_TOPIC_PROTECTION_KEY`, or `undefined` when it is not set (or empty). */
export function topicProtectionFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): TopicProtection | undefined {
  const value = env[TOPIC_PROTECTION_KEY_ENV];
  return value === undefined || value.trim() === '' ? undefined : topicProtection(value);
}

const ALGORITHM = 'aes-256-gcm';
const b64u = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');

/**
 * Seals values as a compact JWE (RFC 7516: `alg` dir, `enc` A256GCM, the key used directly) of the
 * JSON `{pointer: value}`. The protected header names the event (`ce_id`): the same bytes pasted
 * into another event's message do not open.
 */
export function sealValues(values: SealedValues, eventId: string, protection: TopicProtection): string {
  const header = b64u(JSON.stringify({ alg: 'dir', enc: 'A256GCM', cty: 'json', ce_id: eventId }));
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, protection.key, iv);
  cipher.setAAD(Buffer.from(header, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]);
  return `${header}..${b64u(iv)}.${b64u(ciphertext)}.${b64u(cipher.getAuthTag())}`;
}

/** Opens what sealValues sealed for this event; throws ProtectedDataError otherwise. */
export function openValues(jwe: string, eventId: string, protection: TopicProtection): SealedValues {
  const parts = jwe.split('.');
  const [header = '', encryptedKey, iv = '', ciphertext = '', tag = ''] = parts;
  if (parts.length !== 5 || encryptedKey !== '') {
    throw new ProtectedDataError('the protected member is not a compact JWE with alg dir');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new ProtectedDataError('the protected member has no readable header', { cause });
  }
  const fields = (parsed ?? {}) as Record<string, unknown>;
  if (fields.alg !== 'dir' || fields.enc !== 'A256GCM') {
    throw new ProtectedDataError(`unsupported JWE ${String(fields.alg)}/${String(fields.enc)}`);
  }
  if (fields.ce_id !== eventId) {
    throw new ProtectedDataError(`the protected member was sealed for event ${String(fields.ce_id)}`);
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, protection.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(header, 'ascii'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as SealedValues;
  } catch (cause) {
    throw new ProtectedDataError(
      'the protected member does not open with this key (another key, or altered)',
      {
        cause,
      },
    );
  }
}

/**
 * What the relay publishes of an event split by its schema: the clear data, and, when something
 * was sealed and the relay holds the key, the `protected` member. Without the key the sealed
 * values are left out.
 */
export function publishedData(
  split: SealedSplit<JsonObject>,
  eventId: string,
  protection: TopicProtection | undefined,
): JsonObject {
  if (protection === undefined || Object.keys(split.sealed).length === 0) return split.clear;
  return { ...split.clear, [PROTECTED_MEMBER]: sealValues(split.sealed, eventId, protection) };
}

/**
 * The event data a consumer works with: a message's data with its `protected` member opened and its
 * values put back, when the consumer holds the key; as received otherwise.
 */
export function unsealedData(
  data: JsonObject,
  eventId: string,
  protection: TopicProtection | undefined,
): JsonObject {
  const jwe = data[PROTECTED_MEMBER];
  if (protection === undefined || jwe === undefined) return data;
  if (typeof jwe !== 'string') throw new ProtectedDataError('the protected member is not a string');
  const { [PROTECTED_MEMBER]: _sealed, ...clear } = data;
  try {
    return joinSealed<JsonObject>(clear, openValues(jwe, eventId, protection));
  } catch (error) {
    if (error instanceof ProtectedDataError) throw error;
    throw new ProtectedDataError(`the protected values do not fit the event: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * The record value a carenet publisher sends for an event whose contract it checked: the event's
 * data split by its schema when the contracts can split (`publishedData`), the data as stored
 * otherwise. The relay uses it; anything else that puts stored events on a topic (a republish)
 * must too, or the sealed values go out in clear.
 */
export function publishedValue(
  event: { readonly id: string; readonly data: JsonObject },
  ceType: string,
  contracts: EventContracts | undefined,
  protection: TopicProtection | undefined,
): Buffer {
  const data = contracts?.splitSealed
    ? publishedData(contracts.splitSealed(ceType, event.data), event.id, protection)
    : event.data;
  return Buffer.from(JSON.stringify(data));
}
