import type { HttpTargetProblem } from '#services/network/http_targets'

/**
 * Reason an HTTP request got no usable response, as a word pages translate
 * (the webhooks' delivery log, the HTTP request step). The raw error text
 * stays beside it for the developer of the receiving system.
 */
export type RequestFailure =
  | 'connection_refused'
  | 'timed_out'
  | 'name_not_found'
  | 'tls'
  | 'connection_reset'
  | 'unreachable'
  | 'address_not_allowed'
  | 'invalid_url'
  | 'network'

/** Node.js and OpenSSL error codes of a failed TLS handshake or certificate check. */
const TLS_CODES = new Set([
  'EPROTO',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
])

const BY_CODE: Record<string, RequestFailure> = {
  ECONNREFUSED: 'connection_refused',
  ETIMEDOUT: 'timed_out',
  ENOTFOUND: 'name_not_found',
  EAI_AGAIN: 'name_not_found',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
}

/**
 * Names the failure of a Node.js or OpenSSL error code, such as
 * `ECONNREFUSED`, or returns `null` for a code it does not know.
 */
export function failureOfErrorCode(code: string): RequestFailure | null {
  if (BY_CODE[code]) {
    return BY_CODE[code]
  }
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return 'tls'
  }
  return null
}

/** Names the failure of a request that raised `error`, from its Node.js error code. */
export function classifyRequestError(error: NodeJS.ErrnoException): RequestFailure {
  return failureOfErrorCode(error.code ?? '') ?? 'network'
}

/** Names the failure of a target rejected before any request, from the rejection's reason. */
export function classifyRejection(reason: HttpTargetProblem): RequestFailure {
  if (reason === 'unresolvable') {
    return 'name_not_found'
  }
  return reason === 'blocked_address' ? 'address_not_allowed' : 'invalid_url'
}
