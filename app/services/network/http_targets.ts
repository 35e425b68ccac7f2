import { isIP } from 'node:net'
import { lookup } from 'node:dns/promises'
import { Exception } from '@adonisjs/core/exceptions'
import { isBlockedAddress } from '#services/network/blocked_addresses'

/** Reason a URL was rejected as a target of an outgoing request. */
export type HttpTargetProblem =
  'invalid_url' | 'scheme' | 'credentials' | 'unresolvable' | 'blocked_address'

/**
 * Raised for a URL that a tenant entered and the install does not let
 * requests reach: a bad scheme, credentials in the URL, or a host that is
 * or resolves to a blocked address. `detail` names what to change.
 */
export class HttpTargetRejectedError extends Exception {
  static code = 'E_HTTP_TARGET_REJECTED'
  static status = 422

  constructor(
    readonly url: string,
    readonly reason: HttpTargetProblem,
    readonly detail: string
  ) {
    super(`URL "${url}" is rejected: ${detail}`, { code: HttpTargetRejectedError.code })
  }
}

/** A checked target: the URL and the one address the request connects to. */
export interface ResolvedTarget {
  url: URL
  address: string
  family: 4 | 6
}

/**
 * Parses a URL a tenant entered and checks what can be checked without
 * DNS: an `http` or `https` scheme, no credentials in it, and, for an IP
 * literal, that the address is allowed. With `allowPrivate`, blocked
 * addresses are allowed too.
 */
export function parseTargetUrl(value: string, allowPrivate: boolean) {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new HttpTargetRejectedError(value, 'invalid_url', 'it is not an absolute URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const detail = `use http:// or https://, not ${url.protocol}//`
    throw new HttpTargetRejectedError(value, 'scheme', detail)
  }
  if (url.username || url.password) {
    const detail = 'remove the user name and password from it'
    throw new HttpTargetRejectedError(value, 'credentials', detail)
  }
  const literal = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(literal) && !allowPrivate && isBlockedAddress(literal)) {
    throw blocked(value, literal)
  }
  return url
}

function blocked(url: string, address: string) {
  return new HttpTargetRejectedError(
    url,
    'blocked_address',
    `${address} is a loopback, private, link-local or metadata address; point it at a public host`
  )
}

/**
 * Resolves the URL's host with the system resolver and returns the address
 * to connect to. Every address the name resolves to must be allowed, so a
 * name that mixes public and private addresses is rejected as a whole. The
 * caller connects to the returned address, never resolving the name again,
 * so a DNS answer that changes between the check and the request cannot
 * swap the target.
 */
export async function resolveTarget(value: string, allowPrivate: boolean): Promise<ResolvedTarget> {
  const url = parseTargetUrl(value, allowPrivate)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const literalFamily = isIP(host)
  if (literalFamily) {
    return { url, address: host, family: literalFamily as 4 | 6 }
  }

  let addresses: { address: string; family: number }[]
  try {
    addresses = await lookup(host, { all: true, verbatim: true })
  } catch (error) {
    throw new HttpTargetRejectedError(
      value,
      'unresolvable',
      `the host "${host}" did not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`
    )
  }
  if (addresses.length === 0) {
    throw new HttpTargetRejectedError(value, 'unresolvable', `the host "${host}" has no address`)
  }
  const forbidden = addresses.find((entry) => isBlockedAddress(entry.address))
  if (forbidden && !allowPrivate) {
    throw blocked(value, forbidden.address)
  }
  const [first] = addresses
  return { url, address: first.address, family: first.family as 4 | 6 }
}
