import type { Agent } from 'node:https'

/** WhatsApp Web's own WebSocket endpoint, used unless WHATSAPP_WEBSOCKET_URL is set. */
export const DEFAULT_WEBSOCKET_URL = 'wss://web.whatsapp.com/ws/chat'

export interface WhatsAppSettings {
  /** WebSocket URL every instance's socket connects to. */
  websocketUrl: string
  /** HTTPS agent for media uploads and media URLs, set by `useMediaAgent`; `null` uses Node's own. */
  mediaAgent: Agent | null
  /** `host:port` pairs of media URLs fetched although loopback, set by `allowMediaUrlHosts`. */
  mediaUrlHosts: ReadonlySet<string>
  /** A test certificate root that replaces WhatsApp's, `null` to trust WhatsApp's only. */
  testRoot: { publicKey: Buffer; serial: number } | null
}

/** Raised at boot for a WhatsApp setting the install cannot start with. */
export class WhatsAppSettingsError extends Error {
  code = 'E_WHATSAPP_SETTINGS'
}

let mediaAgent: Agent | null = null

/**
 * Sets the HTTPS agent every instance uploads media with, for a staging or
 * test media host whose certificate is not in Node's trust store; `null`
 * goes back to Node's own. Code only: no environment variable sets it.
 */
export function useMediaAgent(agent: Agent | null) {
  mediaAgent = agent
}

let mediaUrlHosts: ReadonlySet<string> = new Set()

/**
 * Lets media URLs name these `host:port` pairs although they resolve to a
 * loopback or private address, for the HTTPS media host of a test peer on
 * 127.0.0.1. Code only, like `useMediaAgent`, and rejected when NODE_ENV is
 * `production`. An empty list goes back to rejecting every such host.
 */
export function allowMediaUrlHosts(hosts: string[], env: NodeJS.ProcessEnv = process.env) {
  if (hosts.length > 0 && env.NODE_ENV === 'production') {
    throw new WhatsAppSettingsError(
      `Media URL hosts ${hosts.join(', ')} cannot be allowed while NODE_ENV is production: production installs fetch media from public addresses only`
    )
  }
  mediaUrlHosts = new Set(hosts)
}

/** Returns the agent and allowed loopback hosts that media URLs are fetched with. */
export function mediaUrlSettings() {
  return { agent: mediaAgent ?? undefined, allowedHosts: mediaUrlHosts }
}

/** A 32-byte Curve25519 public key given as 64 hex characters or base64. */
export function parseRootKey(value: string) {
  const text = value.trim()
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64')
  if (key.length !== 32) {
    throw new WhatsAppSettingsError(
      `Invalid WHATSAPP_TEST_ROOT_PUBLIC_KEY "${text.slice(0, 12)}…": expected a 32-byte public key as 64 hex characters or base64`
    )
  }
  return key
}

/**
 * Reads the WhatsApp settings of the install from the environment (checked
 * by start/env.ts at boot). A test root is rejected when NODE_ENV is
 * `production`, so a production install only ever trusts WhatsApp's
 * certificate, and a test run without a URL is rejected, so tests never
 * reach WhatsApp.
 */
export function readSettings(source: NodeJS.ProcessEnv = process.env): WhatsAppSettings {
  if (!source.WHATSAPP_WEBSOCKET_URL && source.NODE_ENV === 'test') {
    throw new WhatsAppSettingsError(
      'WHATSAPP_WEBSOCKET_URL is not set while NODE_ENV is test: point it at a loopback peer, tests never connect to WhatsApp'
    )
  }
  const websocketUrl = source.WHATSAPP_WEBSOCKET_URL || DEFAULT_WEBSOCKET_URL
  if (!/^wss?:\/\//.test(websocketUrl)) {
    throw new WhatsAppSettingsError(
      `Invalid WHATSAPP_WEBSOCKET_URL "${websocketUrl}": expected a ws:// or wss:// URL`
    )
  }

  const rootKey = source.WHATSAPP_TEST_ROOT_PUBLIC_KEY
  if (!rootKey) {
    return { websocketUrl, testRoot: null, mediaAgent, mediaUrlHosts }
  }
  if (source.NODE_ENV === 'production') {
    throw new WhatsAppSettingsError(
      'WHATSAPP_TEST_ROOT_PUBLIC_KEY is set while NODE_ENV is production: remove it, production installs trust only WhatsApp’s certificate'
    )
  }
  const serial = Number(source.WHATSAPP_TEST_ROOT_SERIAL ?? 0)
  if (!Number.isInteger(serial) || serial < 0) {
    throw new WhatsAppSettingsError(
      `Invalid WHATSAPP_TEST_ROOT_SERIAL "${source.WHATSAPP_TEST_ROOT_SERIAL}": expected a whole number`
    )
  }
  return {
    websocketUrl,
    testRoot: { publicKey: parseRootKey(rootKey), serial },
    mediaAgent,
    mediaUrlHosts,
  }
}
