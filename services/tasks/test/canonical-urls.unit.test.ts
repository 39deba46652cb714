import { describe, expect, it } from '@jest/globals';
import { carenetNamingSystem } from '@carenet/fhir';
import { CLIENT_ID_SYSTEM } from '../src/task/index.js';

describe('canonical URLs of the Task domain', () => {
  it('names client ids under the project canonical base', () => {
    expect(CLIENT_ID_SYSTEM).toBe(carenetNamingSystem('client-id'));
  });
});
