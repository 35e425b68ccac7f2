import { BlockList, isIP } from 'node:net'

/**
 * Loopback, private, link-local (with the 169.254.169.254 cloud metadata
 * service), unspecified and unique-local ranges. Also the shared address
 * space of carrier-grade NAT (`100.64.0.0/10`, where some clouds put their
 * metadata service), the IETF protocol and benchmarking ranges, and
 * multicast, reserved and broadcast addresses (`224.0.0.0/3`, `ff00::/8`).
 * `::/96` contains `::`, `::1` and the deprecated IPv4-compatible
 * addresses. Local-use NAT64 (`64:ff9b:1::/48`) and Teredo (`2001::/32`),
 * whose IPv4 address is hidden, are blocked whole. IPv6 addresses that carry
 * an IPv4 address in clear are checked as that address (`embeddedIPv4`).
 */
const BLOCKED = new BlockList()
BLOCKED.addSubnet('0.0.0.0', 8, 'ipv4')
BLOCKED.addSubnet('10.0.0.0', 8, 'ipv4')
BLOCKED.addSubnet('100.64.0.0', 10, 'ipv4')
BLOCKED.addSubnet('127.0.0.0', 8, 'ipv4')
BLOCKED.addSubnet('169.254.0.0', 16, 'ipv4')
BLOCKED.addSubnet('172.16.0.0', 12, 'ipv4')
BLOCKED.addSubnet('192.0.0.0', 24, 'ipv4')
BLOCKED.addSubnet('192.168.0.0', 16, 'ipv4')
BLOCKED.addSubnet('198.18.0.0', 15, 'ipv4')
BLOCKED.addSubnet('224.0.0.0', 3, 'ipv4')
BLOCKED.addSubnet('::', 96, 'ipv6')
BLOCKED.addSubnet('64:ff9b:1::', 48, 'ipv6')
BLOCKED.addSubnet('2001::', 32, 'ipv6')
BLOCKED.addSubnet('fc00::', 7, 'ipv6')
BLOCKED.addSubnet('fe80::', 10, 'ipv6')
BLOCKED.addSubnet('ff00::', 8, 'ipv6')

/** Expands an IPv6 address to its eight 16-bit groups. */
function ipv6Groups(address: string) {
  // The WHATWG URL parser rewrites every notation of one IPv6 address
  // (`::ffff:10.0.0.5`, `0:0:0:0:0:ffff:a00:5`) to one hexadecimal form.
  const normalized = new URL(`http://[${address}]/`).hostname.slice(1, -1)
  const [head, tail] = normalized.includes('::') ? normalized.split('::') : [normalized, null]
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const zeros = tail === null ? [] : Array(8 - left.length - right.length).fill('0')
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16))
}

function ipv4Of(high: number, low: number) {
  return [high >> 8, high & 255, low >> 8, low & 255].join('.')
}

/**
 * Extracts the IPv4 address that an IPv6 address carries: IPv4-mapped
 * (`::ffff:0:0/96`), NAT64 with the well-known prefix (`64:ff9b::/96`) and
 * 6to4 (`2002::/16`). Returns `null` for any other address.
 */
function embeddedIPv4(address: string) {
  if (isIP(address) !== 6) {
    return null
  }
  const groups = ipv6Groups(address)
  const zeroUntil = (end: number) => groups.slice(0, end).every((group) => group === 0)
  if (zeroUntil(5) && groups[5] === 0xffff) {
    return ipv4Of(groups[6], groups[7])
  }
  if (
    groups[0] === 0x64 &&
    groups[1] === 0xff9b &&
    groups.slice(2, 6).every((group) => group === 0)
  ) {
    return ipv4Of(groups[6], groups[7])
  }
  if (groups[0] === 0x2002) {
    return ipv4Of(groups[1], groups[2])
  }
  return null
}

/** Checks whether an IP address falls in a blocked range. */
export function isBlockedAddress(address: string) {
  const embedded = embeddedIPv4(address)
  if (embedded) {
    return BLOCKED.check(embedded, 'ipv4')
  }
  const family = isIP(address)
  if (family === 0) {
    return true
  }
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6')
}
