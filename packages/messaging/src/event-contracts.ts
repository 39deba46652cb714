import type { SealedSplit } from '@carenet/contracts';

/**
 * What consumers need of the contract registry (@carenet/contracts' loadContractRegistry fits):
 * validate an event's data against the schema of its `ce_type`; for the relay, split it into what
 * is published in clear and what its schema seals (contracts/README.md, "Personal data on the
 * topics").
 */
export interface EventContracts {
  validate(
    ceType: string,
    data: unknown,
  ): { readonly ok: true } | { readonly ok: false; readonly error: Error };
  /** When present, the relay publishes only the clear part in clear (the rest sealed, or left out). */
  splitSealed?<T extends object>(ceType: string, data: T): SealedSplit<T>;
}
