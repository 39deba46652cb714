import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../src/config.js';
import { gatewayRootOf, smartConfiguration, supportedScopes } from '../src/http/smart-configuration.js';

const devIssuer = { issuer: 'http://localhost:8080/dev-issuer', jwksPath: '/dev-issuer/jwks.json' };

describe('SMART configuration', () => {
  it('names the dev issuer and its placeholder token endpoint in the embedded mode', () => {
    expect(smartConfiguration(loadConfig({}), devIssuer, ['Task'])).toMatchObject({
      issuer: 'http://localhost:8080/dev-issuer',
      jwks_uri: 'http://localhost:8080/dev-issuer/jwks.json',
      token_endpoint: 'http://localhost:8080/dev-issuer/token',
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('names the configured authorization server', () => {
    const config = loadConfig({
      CARENET_MODE: 'distributed',
      DATABASE_URL: 'postgres://db/carenet',
      CARENET_PUBLIC_BASE_URL: 'https://fhir.example.org/fhir',
      CARENET_AUTH_ISSUER: 'https://auth.example.org',
      CARENET_AUTH_JWKS_URL: 'https://auth.example.org/jwks',
      CARENET_AUTH_TOKEN_URL: 'https://auth.example.org/token',
    });
    expect(smartConfiguration(config, undefined, ['Task'])).toMatchObject({
      issuer: 'https://auth.example.org',
      jwks_uri: 'https://auth.example.org/jwks',
      token_endpoint: 'https://auth.example.org/token',
    });
  });

  it('is unknown with an external issuer whose token endpoint is not configured', () => {
    const config = loadConfig({
      CARENET_AUTH_ISSUER: 'https://auth.example.org',
      CARENET_AUTH_JWKS_FILE: 'jwks.json',
    });
    expect(smartConfiguration(config, undefined, ['Task'])).toBeUndefined();
  });

  it('lists v2 and v1 scopes of every hosted type and of *, in the three contexts', () => {
    const scopes = supportedScopes(['Task', 'Goal']);
    expect(scopes).toEqual(
      expect.arrayContaining([
        'system/*.cruds',
        'user/Goal.rs',
        'patient/Task.cruds',
        'user/*.read',
        'system/*.write',
      ]),
    );
    expect(scopes).toHaveLength(3 * (3 * 2 + 2));
  });

  it('finds the gateway root from the FHIR base', () => {
    expect(gatewayRootOf('http://localhost:8080/fhir')).toBe('http://localhost:8080');
    expect(gatewayRootOf('https://api.example.org/carenet')).toBe('https://api.example.org/carenet');
  });
});
