// The embedded mode (PGlite) on a full disk: a write answers 507 with an OperationOutcome, not a
// 500; reads still work; once space is freed the same process writes again, PGlite untouched.
// The full disk is a small tmpfs mounted for the test, which needs root (CAP_SYS_ADMIN): without
// it the test is skipped, saying why.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pgliteDatabase, type SqlDatabase } from '@carenet/eventsourcing';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway.js';

/** Mounts a tmpfs of `size` on a new directory; the reason it cannot, otherwise. */
function mountTmpfs(size: string): { path: string } | { reason: string } {
  if (process.getuid?.() !== 0) return { reason: 'not root: cannot mount a tmpfs' };
  const path = mkdtempSync(join(tmpdir(), 'carenet-full-disk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path], {
    encoding: 'utf8',
  });
  if (mounted.status !== 0) {
    rmSync(path, { recursive: true, force: true });
    const said = mounted.stderr.trim();
    return { reason: `mount -t tmpfs failed: ${said !== '' ? said : (mounted.error?.message ?? 'unknown')}` };
  }
  return { path };
}

function unmount(path: string): void {
  // Lazy: a file PGlite still holds open does not keep the mount (and the test) hanging.
  spawnSync('umount', ['-l', path]);
  rmSync(path, { recursive: true, force: true });
}

const mount = mountTmpfs('120m');
if ('reason' in mount) process.stderr.write(`[pglite-disk-full] skipped: ${mount.reason}\n`);
const describeWhenMounted = 'path' in mount ? describe : describe.skip;

describeWhenMounted('the embedded gateway (PGlite) on a full disk', () => {
  let pglite: PGlite | undefined;
  let db: SqlDatabase;
  let gateway: InProcessGateway | undefined;
  const filler = 'path' in mount ? join(mount.path, 'filler') : '';

  beforeAll(async () => {
    if (!('path' in mount)) return;
    pglite = await PGlite.create(join(mount.path, 'pglite'));
    db = pgliteDatabase(pglite);
    gateway = await startInProcessGateway(db);
  });

  afterAll(async () => {
    await gateway?.close();
    await pglite?.close().catch(() => undefined);
    if ('path' in mount) unmount(mount.path);
  });

  it('answers 507 while the disk is full, and writes again once space is freed', async () => {
    if (gateway === undefined) throw new Error('no gateway');
    const created = await gateway.createTask();
    expect(created.status).toBe(201);
    const id = String(created.body.id);

    // Fill the file system to the last block.
    spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k']);
    // Writes go on while the last pages have room; the first that needs a new one is refused.
    let refused: Awaited<ReturnType<InProcessGateway['createTask']>> | undefined;
    for (let attempt = 0; attempt < 500 && refused === undefined; attempt++) {
      const answer = await gateway.createTask();
      if (answer.status !== 201) refused = answer;
    }
    expect(refused?.status).toBe(507);
    expect(refused?.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'exception' }],
    });
    expect(JSON.stringify(refused?.body)).toMatch(/no space left/);
    expect(
      gateway.logLines.filter((l) => l.msg === 'database full: answered 507, nothing stored').length,
    ).toBe(1);
    // Reads are refused too: every access is recorded before it is answered (issue 18), and the
    // audit record cannot be written either.
    expect((await gateway.call('GET', `Task/${id}`)).status).toBe(507);

    rmSync(filler);
    const after = await gateway.createTask();
    expect(after.status).toBe(201);
    expect((await gateway.call('GET', `Task/${String(after.body.id)}`)).status).toBe(200);
  });
});
