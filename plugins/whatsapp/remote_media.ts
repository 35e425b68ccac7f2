import { lookup } from 'node:dns/promises'
import type { IncomingMessage } from 'node:http'
import { request, type Agent } from 'node:https'
import type { LookupFunction } from 'node:net'
import { isIP } from 'node:net'
import { ChannelError, isBlockedAddress } from '#sdk'

/** Redirects followed for one media URL, each checked like the first address. */
const MAX_REDIRECTS = 3

/** Largest file fetched from a media URL: the 100 MB limit of template documents. */
export const MAX_MEDIA_URL_BYTES = 100 * 1024 * 1024

export interface RemoteMediaOptions {
  /** HTTPS agent of the request, for a test host whose certificate Node does not trust. */
  agent?: Agent
  /**
   * `host:port` pairs that may be fetched although they resolve to a blocked
   * address: the loopback media host of tests. Empty in production.
   */
  allowedHosts: ReadonlySet<string>
  /** Largest file fetched, in bytes. */
  maxBytes: number
  /** Time allowed for each request, connection to last byte, in milliseconds. */
  timeoutMs: number
}

/**
 * Raised for a media URL the channel does not fetch: not `https://`, with
 * credentials, or with a host that is or resolves to a loopback, private,
 * link-local or metadata address. Not retryable.
 */
export class MediaUrlRejectedError extends ChannelError {
  static code = 'E_MEDIA_URL_REJECTED'

  constructor(url: string, detail: string) {
    super(`Media URL "${url}" is rejected: ${detail}`, {
      code: MediaUrlRejectedError.code,
      retryable: false,
    })
  }
}

/**
 * Raised when a media URL could not be fetched. Retryable unless the host
 * responded with a 4xx status other than 408 and 429, or with a file over
 * the size limit.
 */
export class MediaFetchError extends ChannelError {
  static code = 'E_MEDIA_FETCH_FAILED'

  constructor(url: string, detail: string, retryable: boolean) {
    super(`Media URL "${url}" could not be fetched: ${detail}`, {
      code: MediaFetchError.code,
      retryable,
    })
  }
}

/**
 * Parses a media URL and resolves its host, returning the one address to
 * connect to. Every address the name resolves to must be allowed, so a
 * name that mixes public and private addresses is rejected as a whole.
 */
export async function checkMediaUrl(source: string, allowedHosts: ReadonlySet<string>) {
  if (!URL.canParse(source)) {
    throw new MediaUrlRejectedError(source, 'it is not an absolute URL')
  }
  const url = new URL(source)
  if (url.protocol !== 'https:') {
    throw new MediaUrlRejectedError(source, `use https://, not ${url.protocol}//`)
  }
  if (url.username || url.password) {
    throw new MediaUrlRejectedError(source, 'remove the user name and password from it')
  }

  const host = url.hostname.replace(/^\[|\]$/g, '')
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await resolve(source, host)
  const blocked = addresses.find((entry) => isBlockedAddress(entry.address))
  if (blocked && !allowedHosts.has(url.host)) {
    throw new MediaUrlRejectedError(
      source,
      `${blocked.address} is a loopback, private, link-local or metadata address: use a public https address`
    )
  }
  return { url, address: addresses[0].address, family: addresses[0].family }
}

async function resolve(source: string, host: string) {
  try {
    const addresses = await lookup(host, { all: true, verbatim: true })
    if (addresses.length > 0) {
      return addresses
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    throw new MediaFetchError(source, `the host "${host}" did not resolve (${code})`, true)
  }
  throw new MediaFetchError(source, `the host "${host}" has no address`, true)
}

/** A lookup that returns the checked address, so a second DNS answer cannot swap the target. */
function pinnedLookup(address: string, family: number): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      callback(null, [{ address, family }])
      return
    }
    callback(null, address, family)
  }
}

function get(url: URL, target: { address: string; family: number }, options: RemoteMediaOptions) {
  return new Promise<IncomingMessage>((resolvePromise, reject) => {
    const outgoing = request(url, {
      method: 'GET',
      agent: options.agent,
      lookup: pinnedLookup(target.address, target.family),
      timeout: options.timeoutMs,
    })
    outgoing.on('response', resolvePromise)
    outgoing.on('timeout', () =>
      outgoing.destroy(new Error(`timed out after ${options.timeoutMs} ms`))
    )
    outgoing.on('error', reject)
    outgoing.end()
  })
}

async function readBody(source: string, response: IncomingMessage, maxBytes: number) {
  const declared = Number(response.headers['content-length'] ?? 0)
  if (declared > maxBytes) {
    response.destroy()
    throw new MediaFetchError(source, `the file is ${declared} bytes, over ${maxBytes}`, false)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) {
      response.destroy()
      throw new MediaFetchError(source, `the file is over ${maxBytes} bytes`, false)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/**
 * Fetches the file of an `https://` media URL. The URL, and every redirect
 * it gives, is checked with `checkMediaUrl` and fetched from the address
 * that check resolved.
 */
export async function fetchRemoteMedia(source: string, options: RemoteMediaOptions) {
  let current = source
  for (let redirects = 0; redirects <= MAX_REDIRECTS; redirects++) {
    const target = await checkMediaUrl(current, options.allowedHosts)
    let response: IncomingMessage
    try {
      response = await get(target.url, target, options)
    } catch (error) {
      throw new MediaFetchError(current, (error as Error).message, true)
    }

    const status = response.statusCode ?? 0
    const location = response.headers.location
    if (status >= 300 && status < 400 && location) {
      response.resume()
      current = new URL(location, target.url).href
      continue
    }
    if (status !== 200) {
      response.resume()
      const retryable = status >= 500 || status === 408 || status === 429
      throw new MediaFetchError(current, `the host responded with status ${status}`, retryable)
    }
    try {
      return await readBody(current, response, options.maxBytes)
    } catch (error) {
      if (error instanceof MediaFetchError) {
        throw error
      }
      throw new MediaFetchError(current, (error as Error).message, true)
    }
  }
  throw new MediaUrlRejectedError(source, `it redirects more than ${MAX_REDIRECTS} times`)
}
