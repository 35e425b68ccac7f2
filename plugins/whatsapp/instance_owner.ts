/**
 * Resolves with whether this process may still write an instance's rows,
 * which a driver allows while it owns the instance's lease and has not
 * wiped the instance since the last connect. Stores call it before every
 * write, so a process that lost the lease cannot overwrite or bring back
 * what its successor stores.
 */
export type OwnerCheck = () => Promise<boolean>

/** The check of a store used outside a driver (tests, benchmarks), which always allows writes. */
export const ANY_OWNER: OwnerCheck = async () => true

/** A write rejected because this process no longer owns the instance. */
export class NotInstanceOwnerError extends Error {
  constructor(
    readonly instanceId: number,
    what: string
  ) {
    super(`${what} of instance ${instanceId} not written: this process no longer owns the instance`)
    this.name = 'NotInstanceOwnerError'
  }
}

/** Throws `NotInstanceOwnerError` naming `what` unless `check` allows the write. */
export async function assertOwner(check: OwnerCheck, instanceId: number, what: string) {
  if (!(await check())) {
    throw new NotInstanceOwnerError(instanceId, what)
  }
}
