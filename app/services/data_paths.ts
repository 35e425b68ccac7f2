import { isAbsolute, join } from 'node:path'

/**
 * Resolves a data location setting (`SQLITE_PATH`, `STORAGE_PATH`): an
 * absolute path as it is, a relative one from the application root,
 * `fallback` when the setting is unset or empty.
 */
export function dataPath(configured: string | undefined, fallback: string, appRoot: string) {
  const path = configured?.trim() || fallback
  return isAbsolute(path) ? path : join(appRoot, path)
}
