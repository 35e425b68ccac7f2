import {
  Exception,
  HttpTargetRejectedError,
  resolveTarget as resolveHttpTarget,
  type HttpTargetProblem,
} from '#sdk'

export type { ResolvedTarget } from '#sdk'

/**
 * Raised for a webhook URL the install does not let endpoints reach: a bad
 * scheme, or a host that is or resolves to a blocked address. `reason` is a
 * translation key suffix of `webhooks.errors.*`.
 */
export class TargetRejectedError extends Exception {
  static code = 'E_WEBHOOK_TARGET_REJECTED'
  static status = 422

  constructor(
    readonly url: string,
    readonly reason: HttpTargetProblem,
    detail: string
  ) {
    super(`Webhook URL "${url}" is rejected: ${detail}`, { code: TargetRejectedError.code })
  }
}

/**
 * Checks a webhook URL with the SDK's target guard (`resolveTarget`) and
 * returns the address to connect to, raising `TargetRejectedError` for a
 * rejected one.
 */
export async function resolveTarget(value: string, allowPrivate: boolean) {
  try {
    return await resolveHttpTarget(value, allowPrivate)
  } catch (error) {
    if (error instanceof HttpTargetRejectedError) {
      throw new TargetRejectedError(error.url, error.reason, error.detail)
    }
    throw error
  }
}
