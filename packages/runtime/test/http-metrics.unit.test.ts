import { describe, expect, it } from '@jest/globals';
import { routeOf } from '../src/http/http-metrics.js';

describe('HTTP metrics route label', () => {
  it.each([
    ['/healthz', 200, '/healthz'],
    ['/readyz', 503, '/readyz'],
    ['/metrics', 200, '/metrics'],
    ['/dev-issuer/jwks.json', 200, '/dev-issuer/jwks.json'],
    ['/fhir/metadata', 200, '/fhir/metadata'],
    ['/fhir/.well-known/smart-configuration', 200, '/fhir/.well-known/smart-configuration'],
    ['/.well-known/smart-configuration', 200, '/.well-known/smart-configuration'],
    ['/dev-issuer/token', 400, '/dev-issuer/token'],
    ['/fhir/OperationDefinition/Task-transfer', 200, '/fhir/:type/:id'],
    ['/fhir/Task', 200, '/fhir/:type'],
    ['/fhir/Task/', 200, '/fhir/:type'],
    ['/fhir/Task/_search', 200, '/fhir/:type/_search'],
    ['/fhir/Task/_history', 200, '/fhir/:type/_history'],
    ['/fhir/Task/7f3c9a', 404, '/fhir/:type/:id'],
    ['/fhir/Task/7f3c9a/_history', 200, '/fhir/:type/:id/_history'],
    ['/fhir/Task/7f3c9a/_history/3', 200, '/fhir/:type/:id/_history/:vid'],
    ['/fhir/Task/7f3c9a/$transfer', 200, '/fhir/:type/:id/$transfer'],
    ['/fhir/CarePlan/$validate-plan', 200, '/fhir/:type/$validate-plan'],
    ['/fhir/$export', 200, '/fhir/$export'],
  ])('%s (%d) is %s', (path, status, route) => {
    expect(routeOf(path, status)).toBe(route);
  });

  it('never makes a label of what a client may vary at will', () => {
    expect(routeOf('/fhir/Task/1/$made-up-operation', 404)).toBe('/fhir/:type/:id/$operation');
    expect(routeOf('/fhir/$x', 400)).toBe('/fhir/$operation');
    expect(routeOf('/fhir/Task/1/2/3/4/5', 404)).toBe('/fhir/unmatched');
    expect(routeOf('/fhir/Task/1/weird', 404)).toBe('/fhir/unmatched');
    expect(routeOf('/wp-admin/login.php', 404)).toBe('unmatched');
    expect(routeOf('/', 404)).toBe('unmatched');
  });
});
