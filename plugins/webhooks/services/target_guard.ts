import { BlockList, isIP } from 'node:net'
import { lookup } from 'node:dns/promises'
import { Exception } from '#sdk'

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
    readonly reason: 'invalid_url' | 'scheme' | 'credentials' | 'unresolvable' | 'blocked_address',
    detail: string
  ) {
    super(`Webhook URL "${url}" is rejected: ${detail}`, { code: TargetRejectedError.code })
  }
}

/**
 * Loopback, private, link-local (with the 169.254.169.254 cloud metadata
 * service), unspecified and unique-local ranges. `::/96` contains `::`, `::1`
 * and the deprecated IPv4-compatible addresses. IPv4-mapped IPv6 addresses
 * (`::ffff:127.0.0.1`) are checked as the IPv4 address they carry.
 */
const BLOCKED = new BlockList()
BLOCKED.addSubnet('0.0.0.0', 8, 'ipv4')
BLOCKED.addSubnet('10.0.0.0', 8, 'ipv4')
BLOCKED.addSubnet('127.0.0.0', 8, 'ipv4')
BLOCKED.addSubnet('169.254.0.0', 16, 'ipv4')
BLOCKED.addSubnet('172.16.0.0', 12, 'ipv4')
BLOCKED.addSubnet('192.168.0.0', 16, 'ipv4')
BLOCKED.addSubnet('::', 96, 'ipv6')
BLOCKED.addSubnet('fc00::', 7, 'ipv6')
BLOCKED.addSubnet('fe80::', 10, 'ipv6')

/**
 * Extracts the IPv4 address inside an IPv4-mapped IPv6 address, or `null` for any
 * other address. The WHATWG URL parser rewrites every notation of one
 * IPv6 address (`::ffff:10.0.0.5`, `0:0:0:0:0:ffff:a00:5`) to the same
 * compressed form, which the pattern then reads.
 */
function mappedIPv4(address: string) {
  if (isIP(address) !== 6) {
    return null
  }
  const normalized = new URL(`http://[${address}]/`).hostname.slice(1, -1)
  const match = normalized.match(/^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/)
  if (!match) {
    return null
  }
  const value = (Number.parseInt(match[1], 16) << 16) | Number.parseInt(match[2], 16)
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.')
}

/** Checks whether an IP address falls in a blocked range. */
export function isBlockedAddress(address: string) {
  const mapped = mappedIPv4(address)
  if (mapped) {
    return BLOCKED.check(mapped, 'ipv4')
  }
  const family = isIP(address)
  if (family === 0) {
    return true
  }
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6')
}

/** A checked target: the URL and the one address the request connects to. */
export interface ResolvedTarget {
  url: URL
  address: string
  family: 4 | 6
}

/**
 * Parses a webhook URL and checks what can be checked without DNS: an
 * `http` or `https` scheme, no credentials in it, and, for an IP literal,
 * that the address is allowed.
 */
export function parseTargetUrl(value: string, allowPrivate: boolean) {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TargetRejectedError(value, 'invalid_url', 'it is not an absolute URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TargetRejectedError(value, 'scheme', `use http:// or https://, not ${url.protocol}//`)
  }
  if (url.username || url.password) {
    throw new TargetRejectedError(value, 'credentials', 'remove the user name and password from it')
  }
  const literal = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(literal) && !allowPrivate && isBlockedAddress(literal)) {
    throw blocked(value, literal)
  }
  return url
}

function blocked(url: string, address: string) {
  return new TargetRejectedError(
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
    throw new TargetRejectedError(
      value,
      'unresolvable',
      `the host "${host}" did not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`
    )
  }
  if (addresses.length === 0) {
    throw new TargetRejectedError(value, 'unresolvable', `the host "${host}" has no address`)
  }
  const forbidden = addresses.find((entry) => isBlockedAddress(entry.address))
  if (forbidden && !allowPrivate) {
    throw blocked(value, forbidden.address)
  }
  const [first] = addresses
  return { url, address: first.address, family: first.family as 4 | 6 }
}
