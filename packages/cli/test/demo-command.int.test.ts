// `carenet demo` against a gateway process (embedded mode, PGlite in a throwaway data dir, as `npm
// start` runs it): the territory goes in through the FHIR API, a second load creates nothing and
// changes nothing (every resource at the same version), and the nurse of the banner has a work
// queue with her own token. The gateway is called at 127.0.0.1 while its public base (the tokens'
// audience) says localhost: the verb takes the audience from the CapabilityStatement.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { devToken, freeLoopbackPort, startGatewayProcess, type RunningGateway } from '@carenet/testing';
import { DEMO_KINDS, PROFESSIONALS, workQueueQuery } from '../src/index.js';
import { carenet, waitFor } from './support/cli-harness.js';

interface Searchset {
  readonly total?: number;
  readonly entry?: readonly {
    readonly resource: { readonly id: string; readonly meta: { readonly versionId: string } };
    readonly search?: { readonly mode?: string };
  }[];
}

describe('carenet demo', () => {
  let gateway: RunningGateway;
  let base: string;
  let admin: string;

  beforeAll(async () => {
    gateway = await startGatewayProcess({ dataDirPrefix: 'carenet-demo-test-' });
    base = `${gateway.base}/fhir`;
    admin = devToken(gateway, '--system', 'demo-test', '--admin');
  }, 120_000);
  afterAll(async () => {
    await gateway.stop();
  });

  const search = async (token: string, query: string): Promise<Searchset> => {
    const answer = await fetch(`${base}/${query}`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
    return (await answer.json()) as Searchset;
  };

  /** Every resource of the territory's kinds, `Type/id@version`, as an administrator sees them. */
  const snapshot = async (): Promise<string[]> => {
    const all: string[] = [];
    for (const kind of DEMO_KINDS) {
      const bundle = await search(admin, `${kind}?_count=500`);
      for (const entry of bundle.entry ?? []) {
        if (entry.search?.mode !== 'outcome')
          all.push(`${kind}/${entry.resource.id}@${entry.resource.meta.versionId}`);
      }
    }
    return all.sort();
  };

  /** The snapshot once the background work (the PPCS following their Tasks) has settled. */
  const settled = async (): Promise<string[]> => {
    let previous = await snapshot();
    return waitFor(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const next = await snapshot();
        const same = JSON.stringify(next) === JSON.stringify(previous);
        previous = next;
        return { same, next };
      },
      (s) => s.same,
      30_000,
    ).then((s) => s.next);
  };

  it('loads the territory, and a second load creates nothing and changes nothing', async () => {
    const args = ['demo', '--base-url', base, '--data-dir', gateway.dataDir];
    const first = await carenet(args);
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(first.stderr.split('\n').filter(Boolean)).toEqual([
      '[demo] Patient    5  5 created',
      '[demo] CareTeam   5  5 created',
      '[demo] Goal       7  7 created, 2 changes',
      '[demo] Consent    2  2 created',
      "[demo] Task      13  6 created, 7 created by the plans' actions, 16 changes",
      '[demo] CarePlan   5  5 created, 14 changes',
    ]);
    const afterFirst = await settled();
    expect(afterFirst).toHaveLength(5 + 5 + 7 + 2 + 13 + 5);

    const second = await carenet(args);
    expect(second.code).toBe(0);
    expect(second.stderr.split('\n').filter(Boolean)).toEqual([
      '[demo] Patient    5  5 already there',
      '[demo] CareTeam   5  5 already there',
      '[demo] Goal       7  7 already there',
      '[demo] Consent    2  2 already there',
      '[demo] Task      13  13 already there',
      '[demo] CarePlan   5  5 already there',
    ]);
    expect(await settled()).toEqual(afterFirst);
    for (const [kind, total] of [
      ['Patient', 5],
      ['CarePlan', 5],
      ['Task', 13],
    ] as const) {
      expect([kind, (await search(admin, `${kind}?_summary=count`)).total]).toEqual([kind, total]);
    }

    // The banner: three tokens, and the nurse's work queue answers with her token, not empty.
    const exported = new Map(
      [...second.stdout.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    expect([...exported.keys()]).toEqual(['GP', 'NURSE', 'COORDINATOR', 'FHIR']);
    expect(second.stdout).toContain(`curl -s "$FHIR/${workQueueQuery(PROFESSIONALS.nurse)}"`);
    const queue = await search(exported.get('NURSE') ?? '', workQueueQuery(PROFESSIONALS.nurse));
    expect(queue.entry?.length).toBe(4);
    expect(second.stdout).toContain("Claire Moreau's work queue (4 Tasks)");
  }, 240_000);

  it('says so, with exit code 3, when no gateway answers', async () => {
    const port = await freeLoopbackPort();
    const run = await carenet(['demo', '--base-url', `http://127.0.0.1:${port}/fhir`]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      `cannot reach the gateway at http://127.0.0.1:${port}/fhir: connect ECONNREFUSED`,
    );
  });
});
