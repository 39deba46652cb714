import type { PostgresAccessFacts } from '@carenet/access';
import type { InlineProjection } from '@carenet/eventsourcing';
import type { CarePlanState } from '../care-plan/index.js';
import type { CareTeamState } from '../care-team/index.js';
import { carePlanAccessFactsSource, careTeamAccessFactsSource } from './care-plans-access-facts-sources.js';

const none = () => Promise.resolve(undefined);

type Stored =
  | { resource_type: 'CarePlan'; id: string; state: CarePlanState }
  | {
      resource_type: 'CareTeam';
      id: string;
      state: CareTeamState;
    };

/**
 * The care-plans part of the access facts (issue 18), kept in the append's transaction: the care
 * relations of each CareTeam and CarePlan (`care-relations.ts`) replace their previous ones at
 * each change, from the state the read models have just stored (this projection runs after them).
 */
export function carePlansAccessFacts(facts: PostgresAccessFacts): InlineProjection {
  return {
    name: 'care-plans-access-facts',
    categories: ['CarePlan', 'CareTeam'],
    async apply(tx, events) {
      const byType = new Map<string, Set<string>>();
      for (const event of events) {
        const dash = event.streamId.indexOf('-');
        const type = event.streamId.slice(0, dash);
        byType.set(type, (byType.get(type) ?? new Set()).add(event.streamId.slice(dash + 1)));
      }
      for (const [type, ids] of byType) {
        const rows = await tx.query<Stored>(
          'SELECT resource_type, id, state FROM care_plans.aggregate_state WHERE resource_type = $1 AND id = ANY($2::text[])',
          [type, [...ids]],
        );
        for (const row of rows) {
          if (row.resource_type === 'CareTeam')
            await careTeamAccessFactsSource.write(tx, facts, row.id, row.state, none);
          else await carePlanAccessFactsSource.write(tx, facts, row.id, row.state, none);
        }
      }
    },
    // The care plans' and teams' facts among those of every source: copied over at the switch.
    tables: ['care_relation', 'sharing_grant'].map((table) => ({
      name: `${facts.schema}.${table}`,
      rows: { where: "source LIKE 'CarePlan/%' OR source LIKE 'CareTeam/%'" },
    })),
    async reset(tx) {
      for (const table of ['care_relation', 'sharing_grant']) {
        await tx.query(
          `DELETE FROM ${facts.schema}.${table} WHERE source LIKE 'CarePlan/%' OR source LIKE 'CareTeam/%'`,
        );
      }
    },
  };
}
