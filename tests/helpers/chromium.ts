import { existsSync } from 'node:fs'

/**
 * Flags for headless Chromium on a machine without network access: no
 * sandbox (tests run as root), and none of the background services that
 * would try to reach outside hosts.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/**
 * Path of the system Chromium: CHROMIUM_PATH when set, else Debian's.
 */
export function chromiumPath() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at "${path}". Install Debian's chromium package or set CHROMIUM_PATH`
    )
  }
  return path
}
