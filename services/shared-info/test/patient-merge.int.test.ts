// Duplicates over HTTP (issue 18): one record per INS across streams (a unique key of the read
// model, in the append's transaction), and the merge of a duplicate into the surviving record by
// a PUT of its replaced-by link, which releases its identifiers; on a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Patient } from 'fhir/r4.js';
import { COORDINATOR, INS_NIR, IPP, NAM } from './support/actors.js';
import { patientBody } from './support/fhir-fixtures.js';
import { reliability } from './support/patient-fixtures.js';
import { startSharedInfoServer, type SharedInfoServer } from './support/shared-info-server.js';

const NIR = { system: INS_NIR, value: '279035121518989' };

describe('duplicate patients', () => {
  let server: SharedInfoServer;
  beforeAll(async () => {
    server = await startSharedInfoServer('shared-info-merge');
  });
  afterAll(async () => {
    await server.close();
  });

  const post = (body: Patient) => server.call(COORDINATOR, 'POST', 'Patient', body);
  const put = (id: string, body: unknown) => server.call(COORDINATOR, 'PUT', `Patient/${id}`, body);
  const rule = (body: Record<string, unknown>) => JSON.stringify(body.issue);

  it('one record per INS; a duplicate is merged into the survivor by a replaced-by link', async () => {
    // The desk registered Yvonne twice: once qualified with her INS, once provisional.
    const first = await post(patientBody({ identifier: [NIR] }));
    expect(first.status).toBe(201);
    const again = await post(patientBody({ identifier: [NIR] }));
    expect(again.status).toBe(422);
    expect(rule(again.body)).toContain('patient-identifier-taken');

    const provisional = await post(
      patientBody({ extension: [reliability('PROV')], identifier: [{ system: IPP, value: 'IPP-7' }] }),
    );
    expect(provisional.status).toBe(201);
    const duplicateId = String(provisional.body.id);
    const survivorId = String(first.body.id);

    // Merged into an unknown record, or while stated active: refused, naming the rule.
    const unknown = await put(duplicateId, {
      ...provisional.body,
      active: false,
      link: [{ other: { reference: 'Patient/nobody' }, type: 'replaced-by' }],
    });
    expect([unknown.status, rule(unknown.body)]).toEqual([
      422,
      expect.stringContaining('patient-merge-target-unknown'),
    ]);
    const active = await put(duplicateId, {
      ...provisional.body,
      link: [{ other: { reference: `Patient/${survivorId}` }, type: 'replaced-by' }],
    });
    expect([active.status, rule(active.body)]).toEqual([
      422,
      expect.stringContaining('patient-merged-is-inactive'),
    ]);

    const merged = await put(duplicateId, {
      ...provisional.body,
      active: false,
      link: [{ other: { reference: `Patient/${survivorId}` }, type: 'replaced-by' }],
    });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({
      active: false,
      link: [{ other: { reference: `Patient/${survivorId}` }, type: 'replaced-by' }],
    });
    const stream = await server.service.store.readStream(`Patient-${duplicateId}`);
    expect(stream.map((e) => e.type)).toEqual([
      'PatientRegistered',
      'PatientDemographicsChanged',
      'PatientMerged',
    ]);

    // The merged record no longer changes; it is found by the link search.
    const after = await put(duplicateId, { ...merged.body, name: [{ family: 'X' }] });
    expect([after.status, rule(after.body)]).toEqual([422, expect.stringContaining('patient-merged')]);
    const linked = await server.call(COORDINATOR, 'GET', `Patient?link=Patient/${survivorId}`);
    expect((linked.body.entry as { resource: { id: string } }[]).map((e) => e.resource.id)).toEqual([
      duplicateId,
    ]);
  });

  it('the identifiers of a merged record go to the survivor', async () => {
    const nam = { system: NAM, value: 'TREM50010112' };
    const quebec = { resourceType: 'Patient' as const, name: [{ family: 'Tremblay' }] };
    const holder = await post({ ...quebec, identifier: [nam] });
    const survivor = await post({ ...quebec, identifier: [{ system: IPP, value: 'IPP-9' }] });
    const survivorId = String(survivor.body.id);
    const taken = await put(survivorId, { ...survivor.body, identifier: [nam] });
    expect([taken.status, rule(taken.body)]).toEqual([
      422,
      expect.stringContaining('patient-identifier-taken'),
    ]);
    const merged = await put(String(holder.body.id), {
      ...holder.body,
      active: false,
      link: [{ other: { reference: `Patient/${survivorId}` }, type: 'replaced-by' }],
    });
    expect(merged.status).toBe(200);
    const moved = await put(survivorId, { ...survivor.body, identifier: [nam] });
    expect([moved.status, moved.body.identifier]).toEqual([200, [nam]]);
  });
});
