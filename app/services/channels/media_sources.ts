import { isIP } from 'node:net'
import { isBlockedAddress } from '#services/network/blocked_addresses'

/**
 * Tells whether a drive key names a file in the tenant's own folder. Every
 * stored file's key has the tenant's id as its second segment
 * (`templates/<tenantId>/…`, `inbox/<tenantId>/…`), so a key of another
 * tenant's file fails even when someone learned it.
 */
export function isTenantFileKey(source: string, tenantId: number | null) {
  if (tenantId === null) {
    return false
  }
  const [area, owner, ...rest] = source.split('/')
  return (
    /^[a-z_]+$/.test(area) &&
    owner === String(tenantId) &&
    rest.length > 0 &&
    rest.every((segment) => segment !== '' && segment !== '.' && segment !== '..')
  )
}

/**
 * Finds what makes an `https://` media URL unusable, without resolving it.
 * Returns `invalid` for a URL that does not parse or carries a user name or
 * password, and `blocked` for a host that is a blocked IP address (see
 * `isBlockedAddress`) or a `localhost` name. Returns `null` for a usable
 * URL. A channel that fetches the URL checks the addresses its host
 * resolves to again before each fetch.
 */
export function mediaUrlProblem(source: string): 'invalid' | 'blocked' | null {
  if (!URL.canParse(source)) {
    return 'invalid'
  }
  const url = new URL(source)
  if (url.protocol !== 'https:' || url.username || url.password) {
    return 'invalid'
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '')
  if (isIP(host) && isBlockedAddress(host)) {
    return 'blocked'
  }
  return host === 'localhost' || host.endsWith('.localhost') ? 'blocked' : null
}

/**
 * Tells whether the tenant may send media from `source`: an `https://`
 * address that `mediaUrlProblem` accepts, or a file in the tenant's own
 * folder of the drive.
 */
export function isTenantMediaSource(source: string, tenantId: number | null) {
  if (source.startsWith('https://')) {
    return mediaUrlProblem(source) === null
  }
  return isTenantFileKey(source, tenantId)
}
