import { failureOfErrorCode, type RequestFailure } from '#sdk'

/**
 * Reason an attempt got no usable response, as a word the delivery log
 * translates (`webhooks.failures.*`).
 */
export type AttemptFailure = RequestFailure

/**
 * Names the failure of an attempt stored before failures were recorded,
 * from the error text: Node.js puts the code of a socket error in its
 * message, and the other texts are the ones this plugin writes.
 */
export function classifyStoredError(error: string): AttemptFailure {
  for (const [code] of error.matchAll(/\bE[A-Z_]{3,}\b/g)) {
    const failure = failureOfErrorCode(code)
    if (failure) {
      return failure
    }
  }
  if (error.includes('no complete response within')) {
    return 'timed_out'
  }
  if (error.includes('did not resolve') || error.includes('has no address')) {
    return 'name_not_found'
  }
  if (error.includes('loopback, private, link-local')) {
    return 'address_not_allowed'
  }
  return /certificate|SSL|TLS/i.test(error) ? 'tls' : 'network'
}
