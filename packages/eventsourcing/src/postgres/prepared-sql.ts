/**
 * SQL texts to prepare once per connection and run again by name (PostgreSQL's extended protocol):
 * the server then skips parsing and, once its plan cache settles on a generic plan, planning,
 * which is most of the cost of the short statements a write or a read runs. Only texts that never
 * change belong here (constants, or texts built from a small fixed set of shapes): every text
 * marked stays prepared on every connection of the pool for the life of the connection.
 *
 * PGlite ignores the marks. A pooler in transaction mode (PgBouncer before 1.21) does not keep
 * prepared statements per connection: `postgresDatabase({ prepareStatements: false })` behind one
 * (the gateway's CARENET_PG_PREPARE=off).
 */
const names = new Map<string, string>();

/** Marks `text` as one to prepare; returns it unchanged (use it where a text is expected). */
export function preparedSql(text: string): string {
  if (!names.has(text)) names.set(text, `carenet_${names.size + 1}`);
  return text;
}

/** The statement name of a marked text. */
export function preparedNameOf(text: string): string | undefined {
  return names.get(text);
}
