import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import type { ResolvedTarget } from '#services/network/http_targets'
import { classifyRequestError, type RequestFailure } from '#services/network/request_failure'

/** Outcome of one HTTP request to a checked target. */
export interface HttpRequestOutcome {
  /** HTTP status of the response, `null` when none arrived. */
  statusCode: number | null
  durationMs: number
  /** The first bytes of the response body, decoded as UTF-8. */
  responseSnippet: string
  /** Reason no response arrived (timeout, connection refused), `null` otherwise. */
  error: string | null
  /** The kind of that reason, `null` when a response arrived. */
  failure: RequestFailure | null
}

/**
 * A DNS lookup that always returns the already checked address, so the
 * socket connects to it whatever the name resolves to now.
 */
function pinnedLookup(target: ResolvedTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      callback(null, [{ address: target.address, family: target.family }])
    } else {
      callback(null, target.address, target.family)
    }
  }
}

/** Options of `sendHttpRequest`. */
export interface HttpRequestOptions {
  /** @default 'POST' */
  method?: 'GET' | 'POST'
  /** JSON text sent as the body with `Content-Type: application/json`; `null` sends none. */
  body: string | null
  /** Headers added to the request, such as a signature. */
  headers: Record<string, string>
  /** Time the target has to respond, connection included, in milliseconds. */
  timeoutMs: number
  /** Bytes of the response body kept in `responseSnippet`; the rest is not read. */
  snippetBytes: number
}

/**
 * Sends one request to the target's URL, connecting to `target.address`.
 * The `Host` header and, for https, the TLS server name and certificate
 * check still use the URL's host name. Redirects are not followed, because
 * a redirect could point anywhere. Resolves with a failure in the outcome
 * instead of rejecting.
 */
export function sendHttpRequest(
  target: ResolvedTarget,
  options: HttpRequestOptions
): Promise<HttpRequestOutcome> {
  const { body, headers } = options
  const started = performance.now()
  const transport = target.url.protocol === 'https:' ? https : http

  return new Promise((resolve) => {
    let settled = false
    let deadline: NodeJS.Timeout | undefined
    const finish = (outcome: Omit<HttpRequestOutcome, 'durationMs'>) => {
      if (!settled) {
        settled = true
        clearTimeout(deadline)
        resolve({ ...outcome, durationMs: Math.round(performance.now() - started) })
      }
    }

    const request = transport.request(
      target.url,
      {
        method: options.method ?? 'POST',
        lookup: pinnedLookup(target),
        headers: {
          ...(body === null
            ? {}
            : {
                'Content-Type': 'application/json; charset=utf-8',
                'Content-Length': String(Buffer.byteLength(body)),
              }),
          ...headers,
        },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = []
        let size = 0
        const done = () =>
          finish({
            statusCode: response.statusCode ?? null,
            responseSnippet: Buffer.concat(chunks)
              .subarray(0, options.snippetBytes)
              .toString('utf8'),
            error: null,
            failure: null,
          })
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk)
          size += chunk.length
          if (size >= options.snippetBytes) {
            // The log keeps only the first bytes, so the rest is not read.
            done()
            response.destroy()
          }
        })
        response.on('end', done)
        response.on('error', done)
      }
    )
    let timedOut = false
    deadline = setTimeout(() => {
      timedOut = true
      request.destroy(new Error(`no complete response within ${options.timeoutMs} ms`))
    }, options.timeoutMs)
    request.on('error', (error) => {
      finish({
        statusCode: null,
        responseSnippet: '',
        error: error.message,
        failure: timedOut ? 'timed_out' : classifyRequestError(error),
      })
    })
    request.end(body ?? undefined)
  })
}
