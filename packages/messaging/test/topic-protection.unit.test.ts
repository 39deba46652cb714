// The topic key and the `protected` member (contracts/README.md, "Personal data on the topics"):
// a compact JWE (dir, A256GCM) bound to its event; a wrong key, another event or an altered
// member does not open; without a key, sealed values are left out.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { loadContractRegistry } from '@carenet/contracts';
import {
  InvalidTopicProtectionKeyError,
  openValues,
  ProtectedDataError,
  publishedData,
  publishedValue,
  sealValues,
  topicProtection,
  topicProtectionFromEnv,
  unsealedData,
} from '../src/index.js';

const key = () => topicProtection(randomBytes(32).toString('base64url'));

describe('topic protection', () => {
  const protection = key();
  const sealed = { '/task/notes': [{ text: 'Patient HIV+, wear gloves' }], '/by/name': 'Dr Anne Martin' };

  it('seals as a compact JWE that names its event and holds no clear text', () => {
    const jwe = sealValues(sealed, 'event-1', protection);
    const [header, encryptedKey, iv, ciphertext, tag] = jwe.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8'))).toEqual({
      alg: 'dir',
      enc: 'A256GCM',
      cty: 'json',
      ce_id: 'event-1',
    });
    expect(encryptedKey).toBe('');
    expect(Buffer.from(iv ?? '', 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag ?? '', 'base64url')).toHaveLength(16);
    expect(ciphertext?.length).toBeGreaterThan(0);
    expect(jwe).not.toMatch(/HIV|gloves|Martin/);
    expect(openValues(jwe, 'event-1', protection)).toEqual(sealed);
  });

  it('does not open with another key, for another event, or altered', () => {
    const jwe = sealValues(sealed, 'event-1', protection);
    expect(() => openValues(jwe, 'event-1', key())).toThrow(ProtectedDataError);
    expect(() => openValues(jwe, 'event-2', protection)).toThrow('sealed for event event-1');
    const parts = jwe.split('.');
    const altered = [...parts.slice(0, 3), `${parts[3]?.slice(0, -2) ?? ''}AA`, parts[4]].join('.');
    expect(() => openValues(altered, 'event-1', protection)).toThrow(ProtectedDataError);
    expect(() => openValues('not.a.jwe', 'event-1', protection)).toThrow(ProtectedDataError);
  });

  it('publishes the clear part, with the protected member only when it holds the key', () => {
    const clear = { taskId: 't1', task: { notes: [] }, by: { kind: 'professional' } };
    expect(publishedData({ clear, sealed }, 'event-1', undefined)).toEqual(clear);
    expect(publishedData({ clear, sealed: {} }, 'event-1', protection)).toEqual(clear);
    const published = publishedData({ clear, sealed }, 'event-1', protection);
    expect(unsealedData(published, 'event-1', protection)).toEqual({
      taskId: 't1',
      task: { notes: sealed['/task/notes'] },
      by: { kind: 'professional', name: 'Dr Anne Martin' },
    });
    // A consumer without the key gets the message as it is.
    expect(unsealedData(published, 'event-1', undefined)).toEqual(published);
  });

  it('reads the key from CARENET_TOPIC_PROTECTION_KEY: 32 bytes, base64url or base64', () => {
    const bytes = randomBytes(32);
    expect(topicProtectionFromEnv({})).toBeUndefined();
    expect(topicProtectionFromEnv({ CARENET_TOPIC_PROTECTION_KEY: '' })).toBeUndefined();
    expect(
      topicProtectionFromEnv({ CARENET_TOPIC_PROTECTION_KEY: bytes.toString('base64url') })?.key,
    ).toEqual(bytes);
    expect(topicProtection(bytes.toString('base64')).key).toEqual(bytes);
    expect(() => topicProtection(randomBytes(16).toString('base64url'))).toThrow(
      InvalidTopicProtectionKeyError,
    );
    expect(() => topicProtection('not a key!')).toThrow('CARENET_TOPIC_PROTECTION_KEY');
  });

  it('gives the value a publisher sends: split by the contract, sealed with the key, left out without', () => {
    const contracts = loadContractRegistry();
    const event = {
      id: 'event-9',
      data: {
        taskId: 't1',
        by: {
          kind: 'professional' as const,
          identifier: { system: 'urn:x', value: '810000000001' },
          name: 'Dr Anne Martin',
        },
        at: '2026-12-01T10:00:00Z',
        reason: { text: 'Patient HIV+, refuses' },
      },
    };
    const ceType = 'carenet.tasks.TaskRejected.v1';
    const withKey = JSON.parse(
      publishedValue(event, ceType, contracts, protection).toString('utf8'),
    ) as Record<string, unknown>;
    expect(JSON.stringify(withKey)).not.toMatch(/HIV|Martin/);
    expect(withKey.by).toEqual({
      kind: 'professional',
      identifier: { system: 'urn:x', value: '810000000001' },
    });
    expect(unsealedData(withKey as never, 'event-9', protection)).toEqual(event.data);
    const withoutKey = publishedValue(event, ceType, contracts, undefined).toString('utf8');
    expect(JSON.parse(withoutKey)).toEqual({ taskId: 't1', by: withKey.by, at: event.data.at, reason: {} });
    // Without contracts that can split: the data as stored.
    expect(publishedValue(event, ceType, undefined, protection).toString('utf8')).toBe(
      JSON.stringify(event.data),
    );
  });
});
