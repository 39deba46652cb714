import { describe, expect, it } from '@jest/globals';
import { smartConfigurationProblems } from './smart-configuration.js';

const backendServices = {
  token_endpoint: 'https://auth.example.org/token',
  grant_types_supported: ['client_credentials'],
  capabilities: ['client-confidential-asymmetric', 'permission-v2'],
  code_challenge_methods_supported: ['S256'],
  scopes_supported: ['system/*.rs'],
};

describe('smartConfigurationProblems (SMART App Launch 2.x discovery)', () => {
  it('accepts a backend-services server with the required fields', () => {
    expect(smartConfigurationProblems(backendServices)).toEqual([]);
  });

  it('names each missing required field', () => {
    expect(smartConfigurationProblems({})).toEqual([
      'capabilities: required, an array of strings',
      'grant_types_supported: required, a non-empty array of strings',
      'token_endpoint: required, a URL',
      'code_challenge_methods_supported: required, an array of strings',
    ]);
    expect(smartConfigurationProblems([])).toEqual(['the document is not a JSON object']);
  });

  it('requires S256 and refuses plain', () => {
    expect(
      smartConfigurationProblems({ ...backendServices, code_challenge_methods_supported: ['plain'] }),
    ).toEqual([
      'code_challenge_methods_supported: must include S256',
      'code_challenge_methods_supported: must not include plain',
    ]);
  });

  it('requires an authorization endpoint for launches, issuer and jwks_uri for OpenID Connect', () => {
    expect(
      smartConfigurationProblems({
        ...backendServices,
        capabilities: ['launch-standalone', 'sso-openid-connect'],
      }),
    ).toEqual([
      'authorization_endpoint: required (a URL) with launch-ehr, launch-standalone or authorization_code',
      'issuer: required (a URL) with sso-openid-connect',
      'jwks_uri: required (a URL) with sso-openid-connect',
    ]);
  });

  it('checks the optional fields it finds', () => {
    expect(
      smartConfigurationProblems({ ...backendServices, jwks_uri: 'not a url', scopes_supported: 'x' }),
    ).toEqual(['jwks_uri: a URL when present', 'scopes_supported: an array of strings when present']);
  });
});
