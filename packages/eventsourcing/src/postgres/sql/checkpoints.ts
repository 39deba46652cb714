import type { LogPosition } from '../../events.js';
import { preparedSql } from '../prepared-sql.js';
import type { SqlExecutor } from '../sql-database.js';

export async function loadCheckpointSql(
  sql: SqlExecutor,
  subscriptionId: string,
): Promise<LogPosition | null> {
  const rows = await sql.query<{ position: string }>(
    preparedSql('SELECT position FROM eventstore.checkpoints WHERE subscription_id = $1'),
    [subscriptionId],
  );
  return (rows[0]?.position as LogPosition | undefined) ?? null;
}

export async function storeCheckpointSql(
  sql: SqlExecutor,
  subscriptionId: string,
  position: LogPosition,
): Promise<void> {
  await sql.query(
    preparedSql(`INSERT INTO eventstore.checkpoints (subscription_id, position) VALUES ($1, $2)
     ON CONFLICT (subscription_id) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`),
    [subscriptionId, position],
  );
}
