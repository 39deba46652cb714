/** Why the search store refused a call. */
export type SearchStoreErrorReason = 'missing-id' | 'invalid-cursor' | 'unindexable-parameter';

/** A typed error of the search store: a programming error (`missing-id`) or a bad request (`invalid-cursor`). */
export class SearchStoreError extends Error {
  constructor(
    readonly reason: SearchStoreErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'SearchStoreError';
  }
}
