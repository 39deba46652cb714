import { describe, expect, it } from '@jest/globals';
import { deterministicId } from '../src/index.js';

describe('deterministicId', () => {
  it('is a version 5 UUID, the same for the same name and different for another', () => {
    const id = deterministicId('CarePlan-1:action-a');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicId('CarePlan-1:action-a')).toBe(id);
    expect(deterministicId('CarePlan-1:action-b')).not.toBe(id);
  });

  it('matches the RFC 4122 v5 algorithm (DNS namespace, "www.example.com")', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'www.example.com')
    expect(deterministicId('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});
