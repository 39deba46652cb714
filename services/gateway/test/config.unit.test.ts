import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../src/config.js';

describe('gateway configuration', () => {
  it('has documented defaults: port 8080 on loopback, FHIR base on localhost', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      publicBaseUrl: 'http://localhost:8080/fhir',
      logLevel: 'info',
    });
  });

  it('reads PORT, and derives the public base URL from it', () => {
    const config = loadConfig({ PORT: '9090', CARENET_LOG_LEVEL: 'debug' });
    expect(config.port).toBe(9090);
    expect(config.publicBaseUrl).toBe('http://localhost:9090/fhir');
    expect(config.logLevel).toBe('debug');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(8080);
  });

  it('keeps an explicit public base URL, without its trailing slash', () => {
    expect(loadConfig({ CARENET_PUBLIC_BASE_URL: 'https://fhir.example.org/carenet/' }).publicBaseUrl).toBe(
      'https://fhir.example.org/carenet',
    );
  });

  it.each([
    ['PORT', 'abc', 'PORT: must be a number (got "abc")'],
    ['PORT', '70000', 'PORT: must be between 1 and 65535 (got "70000")'],
    ['PORT', '80.5', 'PORT: must be a whole number (got "80.5")'],
    ['CARENET_LOG_LEVEL', 'loud', 'CARENET_LOG_LEVEL: must be one of'],
    ['CARENET_PUBLIC_BASE_URL', 'not a url', 'CARENET_PUBLIC_BASE_URL: must be an absolute http(s) URL'],
  ])('rejects %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('reports every bad variable at once', () => {
    const attempt = () => loadConfig({ PORT: '0', CARENET_LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(
      expect.objectContaining({
        problems: [expect.stringContaining('PORT'), expect.stringContaining('CARENET_LOG_LEVEL')],
      }),
    );
  });
});
