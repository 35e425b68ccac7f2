import { BlockList, isIP } from 'node:net'

/**
 * Ranges trusted when TRUSTED_PROXIES is not set: loopback and private
 * networks, where a reverse proxy on the same host or in a Docker network
 * connects from.
 */
export const DEFAULT_TRUSTED_PROXIES =
  '127.0.0.0/8, ::1/128, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7'

/** Reads the IPv4 address out of an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`). */
function unmapped(address: string) {
  const match = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)
  return match ? match[1] : address
}

/**
 * Builds the `trustProxy` check of the HTTP server from a comma-separated
 * list of addresses and CIDR ranges. Only a connection from one of them
 * may set the client address through `X-Forwarded-For`, so a client that
 * connects directly cannot pose as another address in the audit log or
 * the sign-in limiter. Raises an error naming an entry that is invalid.
 */
export function trustedProxies(list: string) {
  const trusted = new BlockList()
  for (const entry of list
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [address, prefix, extra] = entry.split('/')
    const version = isIP(address)
    const maxBits = version === 6 ? 128 : 32
    const bits = prefix === undefined ? maxBits : Number(prefix)
    if (
      version === 0 ||
      extra !== undefined ||
      !Number.isInteger(bits) ||
      bits < 0 ||
      bits > maxBits
    ) {
      throw new Error(
        `TRUSTED_PROXIES entry "${entry}" is invalid: write addresses or CIDR ranges such as 10.0.0.0/8, separated by commas`
      )
    }
    trusted.addSubnet(address, bits, version === 6 ? 'ipv6' : 'ipv4')
  }
  return (remote: string, _distance: number) => {
    const address = unmapped(remote)
    const version = isIP(address)
    return version !== 0 && trusted.check(address, version === 6 ? 'ipv6' : 'ipv4')
  }
}
