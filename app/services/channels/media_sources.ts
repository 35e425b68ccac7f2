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
 * Tells whether the tenant may send media from `source`: an `https://`
 * address, or a file in the tenant's own folder of the drive.
 */
export function isTenantMediaSource(source: string, tenantId: number | null) {
  if (source.startsWith('https://')) {
    return URL.canParse(source)
  }
  return isTenantFileKey(source, tenantId)
}
