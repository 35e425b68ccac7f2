/**
 * Why an attempt got no usable response, in a word the delivery log
 * translates (`webhooks.failures.*`). The raw error text is stored beside
 * it for the developer of the receiving system.
 */
export type AttemptFailure =
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

const BY_CODE: Record<string, AttemptFailure> = {
  ECONNREFUSED: 'connection_refused',
  ETIMEDOUT: 'timed_out',
  ENOTFOUND: 'name_not_found',
  EAI_AGAIN: 'name_not_found',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
}

/** Names the failure of a request that raised `error`, from its Node.js error code. */
export function classifyRequestError(error: NodeJS.ErrnoException): AttemptFailure {
  const code = error.code ?? ''
  if (BY_CODE[code]) {
    return BY_CODE[code]
  }
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return 'tls'
  }
  return 'network'
}

/** Names the failure of a target rejected before any request, from the rejection's reason. */
export function classifyRejection(
  reason: 'invalid_url' | 'scheme' | 'credentials' | 'unresolvable' | 'blocked_address'
): AttemptFailure {
  if (reason === 'unresolvable') {
    return 'name_not_found'
  }
  return reason === 'blocked_address' ? 'address_not_allowed' : 'invalid_url'
}

/**
 * Names the failure of an attempt stored before failures were recorded,
 * from the error text: Node.js puts the code of a socket error in its
 * message, and the other texts are the ones this plugin writes.
 */
export function classifyStoredError(error: string): AttemptFailure {
  const code = Object.keys(BY_CODE).find((candidate) => error.includes(candidate))
  if (code) {
    return BY_CODE[code]
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
