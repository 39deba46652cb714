// The SMART App Launch 2.x discovery document (`/.well-known/smart-configuration`, the "Conformance"
// page of the IG) checked field by field: what it requires, and what it requires conditionally.

const isUrl = (value: unknown): boolean => typeof value === 'string' && URL.canParse(value);
const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** What the document lacks or gets wrong, one line each; empty when it meets SMART App Launch 2.x. */
export function smartConfigurationProblems(document: unknown): string[] {
  if (document === null || typeof document !== 'object' || Array.isArray(document))
    return ['the document is not a JSON object'];
  const doc = document as Record<string, unknown>;
  const problems: string[] = [];
  const capabilities = isStringArray(doc.capabilities) ? doc.capabilities : undefined;
  if (capabilities === undefined) problems.push('capabilities: required, an array of strings');
  const grants = isStringArray(doc.grant_types_supported) ? doc.grant_types_supported : undefined;
  if (grants === undefined || grants.length === 0)
    problems.push('grant_types_supported: required, a non-empty array of strings');
  if (!isUrl(doc.token_endpoint)) problems.push('token_endpoint: required, a URL');
  const challenges = isStringArray(doc.code_challenge_methods_supported)
    ? doc.code_challenge_methods_supported
    : undefined;
  if (challenges === undefined)
    problems.push('code_challenge_methods_supported: required, an array of strings');
  else {
    if (!challenges.includes('S256')) problems.push('code_challenge_methods_supported: must include S256');
    if (challenges.includes('plain'))
      problems.push('code_challenge_methods_supported: must not include plain');
  }
  const launches = capabilities?.some((c) => c === 'launch-ehr' || c === 'launch-standalone') ?? false;
  if ((launches || grants?.includes('authorization_code') === true) && !isUrl(doc.authorization_endpoint))
    problems.push(
      'authorization_endpoint: required (a URL) with launch-ehr, launch-standalone or authorization_code',
    );
  if (capabilities?.includes('sso-openid-connect') === true) {
    if (!isUrl(doc.issuer)) problems.push('issuer: required (a URL) with sso-openid-connect');
    if (!isUrl(doc.jwks_uri)) problems.push('jwks_uri: required (a URL) with sso-openid-connect');
  }
  for (const key of [
    'issuer',
    'jwks_uri',
    'authorization_endpoint',
    'registration_endpoint',
    'management_endpoint',
    'introspection_endpoint',
    'revocation_endpoint',
  ])
    if (doc[key] !== undefined && !isUrl(doc[key])) problems.push(`${key}: a URL when present`);
  for (const key of [
    'scopes_supported',
    'response_types_supported',
    'token_endpoint_auth_methods_supported',
    'token_endpoint_auth_signing_alg_values_supported',
  ])
    if (doc[key] !== undefined && !isStringArray(doc[key]))
      problems.push(`${key}: an array of strings when present`);
  return problems;
}
