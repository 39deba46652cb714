import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTokenVerifier,
  DEV_AUDIENCE,
  DEV_ISSUER,
  openDevIssuer,
  type AccessPrincipal,
} from '@carenet/access';
import { runCli } from '../src/index.js';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'carenet-cli-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs the CLI in-process with the data directory in the environment. */
async function carenet(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { CARENET_DATA_DIR: dataDir, ...env },
  });
  return { code, stdout, stderr };
}

async function verified(
  token: string,
  issuer = DEV_ISSUER,
  audience = DEV_AUDIENCE,
): Promise<AccessPrincipal> {
  const dev = await openDevIssuer({ dataDir, mode: 'embedded' });
  return createTokenVerifier({ keys: dev.keys, issuer, audience }).verify(token);
}

describe('carenet token', () => {
  it('prints a professional token, alone on stdout, that the dev issuer keys verify', async () => {
    const { code, stdout, stderr } = await carenet([
      'token',
      '--professional',
      '810002345678',
      '--profession',
      'nurse',
      '--sector',
      'medico-social',
      '--organization',
      '750000001',
      '--name',
      'Claire Martin',
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const principal = await verified(stdout.trim());
    expect(principal.actor).toEqual({
      kind: 'professional',
      identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810002345678' },
      profession: {
        system: 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante',
        code: '60',
        display: 'Infirmier',
      },
      sector: 'medico-social',
      organization: { system: 'https://finess.esante.gouv.fr', value: '750000001' },
      name: 'Claire Martin',
    });
    expect(principal.scopes.toString()).toBe('user/*.cruds');
    expect(principal.expiresAt.getTime() - Date.now()).toBeGreaterThan(3500_000);
  });

  it('defaults a professional to a primary-care doctor', async () => {
    const { stdout } = await carenet(['token', '--professional', '810002345678']);
    const principal = await verified(stdout.trim());
    expect(principal.actor).toMatchObject({
      profession: { code: '10', display: 'Médecin' },
      sector: 'primary-care',
    });
  });

  it('prints an administrator system token with its default scopes', async () => {
    const { code, stdout } = await carenet(['token', '--system', 'ops-console', '--admin']);
    expect(code).toBe(0);
    const principal = await verified(stdout.trim());
    expect(principal.actor).toEqual({ kind: 'system', clientId: 'ops-console', administrator: true });
    expect(principal.scopes.toString()).toBe('system/*.cruds');
  });

  it('prints a patient token with the given scopes, lifetime, issuer and audience', async () => {
    const { code, stdout } = await carenet([
      'token',
      '--patient',
      '248092900000000',
      '--scope',
      'patient/CarePlan.rs patient/Consent.cruds',
      '--expires-in',
      '60',
      '--issuer',
      'http://localhost:9000/dev-issuer',
      '--audience',
      'http://localhost:9000/fhir',
    ]);
    expect(code).toBe(0);
    const principal = await verified(
      stdout.trim(),
      'http://localhost:9000/dev-issuer',
      'http://localhost:9000/fhir',
    );
    expect(principal.actor).toEqual({
      kind: 'patient',
      identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '248092900000000' },
    });
    expect(principal.allows('Consent', 'c')).toBe(true);
    expect(principal.allows('CarePlan', 'c')).toBe(false);
    expect(principal.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
  });

  it.each([
    [{ PORT: '9090' }, 'http://localhost:9090/fhir'],
    [
      { PORT: '9090', CARENET_PUBLIC_BASE_URL: 'https://fhir.example.org/carenet/' },
      'https://fhir.example.org/carenet',
    ],
    [{}, DEV_AUDIENCE],
  ])('takes the audience of a gateway started with %j: %s', async (env, audience) => {
    const { code, stdout } = await carenet(['token', '--system', 'ehr'], env);
    expect(code).toBe(0);
    await expect(verified(stdout.trim(), DEV_ISSUER, audience)).resolves.toBeDefined();
  });

  it('uses --data-dir over CARENET_DATA_DIR and creates the key there', async () => {
    const other = join(dataDir, 'elsewhere');
    const { code } = await carenet(['token', '--system', 'ehr', '--data-dir', other]);
    expect(code).toBe(0);
    expect((await stat(join(other, 'dev-issuer', 'private-key.jwk.json'))).mode & 0o777).toBe(0o600);
  });

  it.each(['distributed', 'production'])('refuses with exit code 2 when CARENET_MODE=%s', async (mode) => {
    const { code, stdout, stderr } = await carenet(['token', '--system', 'ehr'], { CARENET_MODE: mode });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`embedded mode only (CARENET_MODE is "${mode}")`);
  });

  it('accepts CARENET_MODE=embedded', async () => {
    const { code } = await carenet(['token', '--system', 'ehr'], { CARENET_MODE: 'embedded' });
    expect(code).toBe(0);
  });

  it.each([
    [[], 'give exactly one of --professional <idnps>, --system <clientId>, --patient <ins>'],
    [['--system', 'a', '--patient', '1'], '(got --system, --patient)'],
    [['--professional', '1', '--profession', 'wizard'], '--profession takes a TRE_G15 code'],
    [['--professional', '1', '--sector', 'space'], "option '--sector <sector>' argument 'space' is invalid"],
    [['--system', 'a', '--sector', 'hospital'], '--sector goes with --professional only'],
    [['--system', 'a', '--name', 'x'], '--name goes with --professional only'],
    [['--professional', '1', '--admin'], '--admin goes with --system only'],
    [
      ['--patient', '1', '--organization', '750000001'],
      '--organization goes with --professional or --system only',
    ],
    [['--system', 'a', '--expires-in', '-5'], '--expires-in takes a positive number of seconds'],
    [['--system', 'a', '--expires-in', 'soon'], '--expires-in takes a positive number of seconds'],
    [['--system', 'a', '--scope', 'user/Task.rc'], 'invalid scope "user/Task.rc"'],
    [['--professional', ''], 'invalid actor: identifier.value'],
    [['--system', 'a', '--bogus'], "unknown option '--bogus'"],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { code, stdout, stderr } = await carenet(['token', ...args]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  it('shows its help on stdout with exit code 0', async () => {
    const { code, stdout } = await carenet(['token', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--professional <idnps>');
  });

  it('refuses an unknown verb with exit code 2', async () => {
    const { code, stderr } = await carenet(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'frobnicate'");
  });
});
