import { BlockList, isIP } from 'node:net'

/**
 * Loopback, private, link-local (with the 169.254.169.254 cloud metadata
 * service), unspecified and unique-local ranges. Also the shared address
 * space of carrier-grade NAT (`100.64.0.0/10`, where some clouds put their
 * metadata service), the IETF protocol and benchmarking ranges, and
 * multicast, reserved and broadcast addresses (`224.0.0.0/3`, `ff00::/8`).
 * `::/96` contains `::`, `::1` and the deprecated IPv4-compatible
 * addresses. IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) are checked as
 * the IPv4 address they carry.
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
BLOCKED.addSubnet('fc00::', 7, 'ipv6')
BLOCKED.addSubnet('fe80::', 10, 'ipv6')
BLOCKED.addSubnet('ff00::', 8, 'ipv6')

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
