import { preparedSql, type SqlExecutor } from '@carenet/eventsourcing';
import type { Actor } from '../actor.js';
import type { PartyKind } from '../party.js';
import { hasNationalIdentifier, type PatientIdentifier } from '../references/patient-reference.js';
import type {
  CareRelation,
  ConsentRecipient,
  FactPeriod,
  Objection,
  PatientAccessFacts,
  SharingConsent,
} from '../decision/access-facts.js';
import type { DataCategory } from '../decision/data-category.js';
import type { Sector } from '../actor.js';
import { accessFactsMigrations } from './access-facts-migrations.js';
import { actorKeys, partyKey, patientKey, recipientKey } from './fact-keys.js';

/** What one source (a Task, a CareTeam, a PPCS, a Consent) says about one patient, at its latest version. */
export interface SourceFacts {
  readonly patient: Pick<PatientIdentifier, 'system' | 'value'>;
  readonly relations?: readonly Omit<CareRelation, 'source'>[];
  readonly consents?: readonly Omit<SharingConsent, 'source'>[];
  readonly objections?: readonly Omit<Objection, 'source'>[];
}

/** Another name of a patient (`Patient/p-1` by literal reference) and the patient's key it stands for. */
export interface PatientAlias {
  readonly alias: Pick<PatientIdentifier, 'system' | 'value'>;
  readonly patient: Pick<PatientIdentifier, 'system' | 'value'>;
}

/** The patients an actor may see, for a search: all, none, or those a SELECT of patient keys gives. */
export type VisiblePatients =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'some'; readonly sql: string; readonly params: readonly unknown[] };

/** An instant as PostgreSQL must read it: UTC, whatever the session's time zone. */
const instant = (value: string | undefined): string | null =>
  value === undefined ? null : new Date(Date.parse(value)).toISOString();

const period = (start: Date | null, end: Date | null): FactPeriod => ({
  ...(start === null ? {} : { start: start.toISOString() }),
  ...(end === null ? {} : { end: end.toISOString() }),
});

/** `system|value` back into its parts (systems are URIs: no `|`). */
function split(key: string): { system: string; value: string } {
  const bar = key.indexOf('|');
  return { system: key.slice(0, bar), value: key.slice(bar + 1) };
}

function recipientOf(kind: string, key: string, partyKind: string | null): ConsentRecipient {
  switch (kind) {
    case 'party':
      return {
        kind: 'party',
        party: { kind: (partyKind ?? 'professional') as PartyKind, identifier: split(key) },
      };
    case 'profession': {
      const { system, value } = split(key);
      return { kind: 'profession', system, code: value };
    }
    default:
      return { kind: 'sector', sector: key as Sector };
  }
}

interface RelationRow {
  party_key: string;
  party_kind: string;
  basis: CareRelation['basis'];
  source: string;
  start_at: Date | null;
  end_at: Date | null;
}
/** A row of `factsOf`'s statement: a care relation (effect NULL), a grant, or another name. */
interface FactRow {
  effect: 'consent' | 'objection' | 'identity' | null;
  key: string;
  party_kind: string | null;
  basis: CareRelation['basis'];
  recipient_kind: string | null;
  categories: DataCategory[] | null;
  source: string;
  start_at: Date | null;
  end_at: Date | null;
}
interface GrantRow {
  effect: 'consent' | 'objection';
  source: string;
  recipient_kind: string;
  recipient_key: string;
  party_kind: string | null;
  categories: DataCategory[] | null;
  start_at: Date | null;
  end_at: Date | null;
}

/**
 * A service's access facts in PostgreSQL (schema `schema`, `accessFactsMigrations`): written by
 * its projections in the transaction of the events that state them (`replaceSource`), read for
 * one patient to decide a read (`factsOf` → `decideAccess`), and turned into the set of visible
 * patients for a search (`visiblePatients`), the same rules in SQL: (care relation ∪ consent
 * covering the category) minus objection covering it, at the instant.
 */
export class PostgresAccessFacts {
  readonly migrations;

  /** `factsOf`'s statement: a patient's care relations (effect NULL), then their grants. */
  private readonly factsOfSql: string;

  constructor(readonly schema: string) {
    this.migrations = accessFactsMigrations(schema);
    // The patient's names: the key asked, the patient it is an alias of, and that patient's other
    // aliases (a Task naming `Patient/p-1` and a Consent naming its INS are one patient's facts).
    this.factsOfSql = preparedSql(
      `WITH canonical AS (
         SELECT coalesce((SELECT patient_key FROM ${schema}.patient_alias WHERE alias_key = $1), $1::text) AS key
       ), names AS (
         SELECT key FROM canonical
         UNION SELECT a.alias_key FROM ${schema}.patient_alias a, canonical c WHERE a.patient_key = c.key
         UNION SELECT $1::text
       )
       SELECT NULL::text AS effect, party_key AS key, party_kind, basis, NULL::text AS recipient_kind,
              NULL::text[] AS categories, source, start_at, end_at
         FROM ${schema}.care_relation WHERE patient_key IN (SELECT key FROM names)
       UNION ALL
       SELECT effect, recipient_key, party_kind, NULL, recipient_kind, categories, source, start_at, end_at
         FROM ${schema}.sharing_grant WHERE patient_key IN (SELECT key FROM names)
       UNION ALL
       SELECT 'identity', key, NULL, NULL, NULL, NULL, '', NULL, NULL
         FROM names WHERE key <> $1::text`,
    );
  }

  /** Replaces every fact `source` stated by what it states now (`undefined`: nothing any more). */
  async replaceSource(tx: SqlExecutor, source: string, facts: SourceFacts | undefined): Promise<void> {
    const { sql, params } = this.replaceSourceStatement(source, facts, 'true');
    await tx.query(`WITH ${sql}\nSELECT 1`, params);
  }

  /**
   * `replaceSource` as CTEs to join another statement (an inline projection's, in the append's
   * statement: see ProjectionStatement of @carenet/eventsourcing), each running only when `guard`
   * holds, parameters numbered from `$firstParameter`. The deletes and inserts see the same
   * snapshot: the rows deleted are the source's old ones, never the new.
   */
  replaceSourceStatement(
    source: string,
    facts: SourceFacts | undefined,
    guard: string,
    firstParameter = 1,
  ): { readonly sql: string; readonly params: readonly unknown[] } {
    const s = this.schema;
    const relations = facts?.relations ?? [];
    const grants = [
      ...(facts?.consents ?? []).flatMap((c) =>
        c.recipients.map((r) => ({
          effect: 'consent',
          recipient: r,
          categories: c.categories,
          period: c.period,
        })),
      ),
      ...(facts?.objections ?? []).map((o) => ({
        effect: 'objection',
        recipient: o.against,
        categories: o.categories,
        period: o.period,
      })),
    ];
    const keys = grants.map((g) => recipientKey(g.recipient));
    const params: unknown[] = [
      source,
      facts === undefined ? null : patientKey(facts.patient),
      relations.map((r) => partyKey(r.party)),
      relations.map((r) => r.party.kind),
      relations.map((r) => r.basis),
      relations.map((r) => instant(r.period.start)),
      relations.map((r) => instant(r.period.end)),
      grants.map((g) => g.effect),
      keys.map((k) => k.kind),
      keys.map((k) => k.key),
      grants.map((g) => (g.recipient.kind === 'party' ? g.recipient.party.kind : null)),
      // A category list as text (arrays of arrays do not unnest by row): NULL for every category.
      grants.map((g) => (g.categories === undefined ? null : g.categories.join(','))),
      grants.map((g) => instant(g.period.start)),
      grants.map((g) => instant(g.period.end)),
    ];
    const p = (n: number) => `$${firstParameter + n - 1}`;
    const sql = `fr_d AS (DELETE FROM ${s}.care_relation WHERE source = ${p(1)}::text AND ${guard}),
fg_d AS (DELETE FROM ${s}.sharing_grant WHERE source = ${p(1)}::text AND ${guard}),
fr_i AS (
  INSERT INTO ${s}.care_relation (patient_key, party_key, party_kind, basis, source, start_at, end_at)
  SELECT ${p(2)}::text, u.party_key, u.party_kind, u.basis, ${p(1)}::text, u.start_at, u.end_at
  FROM unnest(${p(3)}::text[], ${p(4)}::text[], ${p(5)}::text[], ${p(6)}::timestamptz[], ${p(7)}::timestamptz[])
    AS u(party_key, party_kind, basis, start_at, end_at)
  WHERE ${guard}
),
fg_i AS (
  INSERT INTO ${s}.sharing_grant (patient_key, effect, source, recipient_kind, recipient_key, party_kind,
    categories, start_at, end_at)
  SELECT ${p(2)}::text, u.effect, ${p(1)}::text, u.recipient_kind, u.recipient_key, u.party_kind,
    string_to_array(u.categories, ','), u.start_at, u.end_at
  FROM unnest(${p(8)}::text[], ${p(9)}::text[], ${p(10)}::text[], ${p(11)}::text[], ${p(12)}::text[],
    ${p(13)}::timestamptz[], ${p(14)}::timestamptz[])
    AS u(effect, recipient_kind, recipient_key, party_kind, categories, start_at, end_at)
  WHERE ${guard}
)`;
    return { sql, params };
  }

  /**
   * Replaces the aliases `source` (a Patient record, `Patient/p-1`) stated: other names of a patient
   * (the record's literal reference) and the patient's key they stand for (its national
   * identifier). An alias already stated by another source moves to this one.
   */
  async replaceAliases(tx: SqlExecutor, source: string, aliases: readonly PatientAlias[]): Promise<void> {
    await tx.query(`DELETE FROM ${this.schema}.patient_alias WHERE source = $1`, [source]);
    if (aliases.length === 0) return;
    await tx.query(
      `INSERT INTO ${this.schema}.patient_alias (alias_key, patient_key, source)
       SELECT u.alias_key, u.patient_key, $1 FROM unnest($2::text[], $3::text[]) AS u(alias_key, patient_key)
       ON CONFLICT (alias_key) DO UPDATE SET patient_key = EXCLUDED.patient_key, source = EXCLUDED.source`,
      [source, aliases.map((a) => patientKey(a.alias)), aliases.map((a) => patientKey(a.patient))],
    );
  }

  /**
   * What is known of one patient: the input of `decideAccess`. One prepared statement (a read
   * holds a pooled connection once for its facts, not once per table: under load the pool is
   * what a request waits for).
   */
  async factsOf(
    db: SqlExecutor,
    patient: Pick<PatientIdentifier, 'system' | 'value'>,
  ): Promise<PatientAccessFacts> {
    const rows = await db.query<FactRow>(this.factsOfSql, [patientKey(patient)]);
    const relations: RelationRow[] = [];
    const grants: GrantRow[] = [];
    const identities: { system: string; value: string }[] = [];
    for (const row of rows) {
      if (row.effect === 'identity') identities.push(split(row.key));
      else if (row.effect === null)
        relations.push({ ...row, party_key: row.key, party_kind: row.party_kind ?? '' });
      else
        grants.push({
          ...row,
          effect: row.effect,
          recipient_key: row.key,
          recipient_kind: row.recipient_kind ?? '',
        });
    }
    return {
      relations: relations.map((r) => ({
        party: { kind: r.party_kind as PartyKind, identifier: split(r.party_key) },
        basis: r.basis,
        source: r.source,
        period: period(r.start_at, r.end_at),
      })),
      consents: grants
        .filter((g) => g.effect === 'consent')
        .map((g) => ({
          source: g.source,
          recipients: [recipientOf(g.recipient_kind, g.recipient_key, g.party_kind)],
          categories: g.categories ?? [],
          period: period(g.start_at, g.end_at),
        })),
      objections: grants
        .filter((g) => g.effect === 'objection')
        .map((g) => ({
          source: g.source,
          against: recipientOf(g.recipient_kind, g.recipient_key, g.party_kind),
          ...(g.categories === null ? {} : { categories: g.categories }),
          period: period(g.start_at, g.end_at),
        })),
      ...(identities.length > 0 && { identities }),
    };
  }

  /**
   * The patients `actor` may see `category` data of at `at`, for a search's filter: a patient
   * token its own record (by national identifier), an administrator system all, anyone else the
   * patients of an active care relation or consent, less those with an active objection naming
   * them. The SELECT's parameters are numbered from `firstParameter`. Break-glass is per read,
   * never for a search.
   */
  visiblePatients(actor: Actor, category: DataCategory, at: string, firstParameter = 1): VisiblePatients {
    if (actor.kind === 'patient') {
      const own = { system: actor.identifier.system, value: actor.identifier.value };
      if (!hasNationalIdentifier(own)) return { kind: 'none' };
      return {
        kind: 'some',
        sql: `SELECT $${firstParameter}::text UNION ALL SELECT alias_key FROM ${this.schema}.patient_alias WHERE patient_key = $${firstParameter}::text`,
        params: [patientKey(own)],
      };
    }
    if (actor.kind === 'system' && actor.administrator === true) return { kind: 'all' };
    const keys = actorKeys(actor);
    const p = (n: number) => `$${firstParameter + n}`;
    const active = (alias: string) =>
      `(${alias}.start_at IS NULL OR ${alias}.start_at <= ${p(1)}::timestamptz) AND (${alias}.end_at IS NULL OR ${alias}.end_at > ${p(1)}::timestamptz)`;
    const names = (alias: string) =>
      `((${alias}.recipient_kind = 'party' AND ${alias}.recipient_key = ANY(${p(0)}::text[]))
         OR (${alias}.recipient_kind = 'profession' AND ${alias}.recipient_key = ${p(3)}::text)
         OR (${alias}.recipient_kind = 'sector' AND ${alias}.recipient_key = ${p(4)}::text))`;
    const s = this.schema;
    // Each fact's patient under the patient's canonical key (an alias `Patient/p-1` as its INS),
    // the rules applied to those, then every name of each visible patient.
    const canonical = (alias: string) =>
      `coalesce((SELECT a.patient_key FROM ${s}.patient_alias a WHERE a.alias_key = ${alias}.patient_key), ${alias}.patient_key)`;
    const sql = `WITH visible AS (
      SELECT ${canonical('r')} AS patient_key FROM ${s}.care_relation r
        WHERE r.party_key = ANY(${p(0)}::text[]) AND ${active('r')}
      UNION
      SELECT ${canonical('c')} FROM ${s}.sharing_grant c
        WHERE c.effect = 'consent' AND ${p(2)}::text = ANY(c.categories) AND ${active('c')} AND ${names('c')}
      EXCEPT
      SELECT ${canonical('o')} FROM ${s}.sharing_grant o
        WHERE o.effect = 'objection' AND (o.categories IS NULL OR ${p(2)}::text = ANY(o.categories))
          AND ${active('o')} AND ${names('o')}
    )
    SELECT patient_key FROM visible
    UNION ALL
    SELECT a.alias_key FROM ${s}.patient_alias a JOIN visible v ON a.patient_key = v.patient_key`;
    return {
      kind: 'some',
      sql,
      params: [keys.parties, instant(at), category, keys.profession ?? null, keys.sector ?? null],
    };
  }
}
