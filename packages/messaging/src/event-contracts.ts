/**
 * What consumers need of the contract registry (@carenet/contracts' loadContractRegistry fits):
 * validate an event's data against the schema of its `ce_type`.
 */
export interface EventContracts {
  validate(
    ceType: string,
    data: unknown,
  ): { readonly ok: true } | { readonly ok: false; readonly error: Error };
}
