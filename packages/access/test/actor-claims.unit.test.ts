import { describe, expect, it } from '@jest/globals';
import { FhirError } from '@carenet/fhir';
import { actorClaims, actorFromClaims, parseActor, scopesFromClaims, type Actor } from '../src/index.js';
import { professional } from './support/token-fixtures.js';

const patient: Actor = {
  kind: 'patient',
  identifier: { system: 'urn:oid:1.2.250.1.213.1.4.10', value: '248092900000000' },
};
const admin: Actor = {
  kind: 'system',
  clientId: 'ops-console',
  administrator: true,
  organization: { system: 'https://finess.esante.gouv.fr', value: '750000001' },
};
const fullProfessional: Actor = {
  ...professional,
  profession: { ...professional.profession, display: 'Infirmier' },
  organization: { system: 'urn:oid:1.2.250.1.71.4.2.2', value: '10B0012345' },
  name: 'Claire Martin',
};

describe('the carenet_actor claim', () => {
  it.each([professional, fullProfessional, patient, admin])('round-trips %j', (actor) => {
    expect(actorFromClaims(actorClaims(actor))).toEqual(actor);
  });

  it.each([
    [
      { ...professional, identifier: { system: 'https://rpps.esante.gouv.fr', value: '' } },
      'identifier.value',
    ],
    [{ ...professional, sector: 'space' }, 'sector'],
    [{ ...professional, organization: { system: 'urn:example', value: '1' } }, 'organization.system'],
    [{ ...professional, profession: undefined }, 'profession'],
    [{ ...professional, extra: true }, 'extra'],
    [
      { kind: 'patient', identifier: { system: 'urn:oid:1.2.250.1.213.1.4.12', value: '1' } },
      'identifier.system',
    ],
    [{ kind: 'system' }, 'clientId'],
    [{ kind: 'robot' }, 'kind'],
    ['a string', 'expected object'],
  ])('refuses %j (%s)', (claim, where) => {
    const parsed = parseActor(claim);
    expect('reason' in parsed && parsed.reason).toContain(where);
    expect(() => actorFromClaims({ sub: 'x', carenet_actor: claim })).toThrow(FhirError);
  });

  it('without it, the caller is a system: client_id, else sub', () => {
    expect(actorFromClaims({ client_id: 'a', sub: 'b' })).toEqual({ kind: 'system', clientId: 'a' });
    expect(actorFromClaims({ sub: 'b' })).toEqual({ kind: 'system', clientId: 'b' });
    expect(() => actorFromClaims({})).toThrow(FhirError);
  });
});

describe('the scope claim', () => {
  it('reads scope, else scp, else grants nothing', () => {
    expect(scopesFromClaims({ scope: 'user/Task.r', scp: ['user/Task.c'] }).toString()).toBe('user/Task.r');
    expect(scopesFromClaims({ scp: ['user/Task.c', 'openid'] }).toString()).toBe('user/Task.c openid');
    expect(scopesFromClaims({}).scopes).toEqual([]);
    expect(() => scopesFromClaims({ scope: 42 })).toThrow(FhirError);
  });
});
