import http from 'node:http'
import type { WebSession } from '#tests/helpers/web_session'

/**
 * Opens the session's Transmit event stream and resolves once the server
 * has registered it, which is when subscriptions to its uid can succeed.
 * `onData` receives the payload of every `data:` line that follows.
 */
export function openStream(
  base: string,
  session: WebSession,
  uid: string,
  onData: (payload: any) => void = () => {}
) {
  return new Promise<http.ClientRequest>((resolve, reject) => {
    let buffered = ''
    const request = http.get(
      `${base}/__transmit/events?uid=${uid}`,
      { headers: { cookie: session.cookieHeader(), accept: 'text/event-stream' } },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`event stream returned ${response.statusCode}`))
          return
        }
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          buffered += chunk
          const lines = buffered.split('\n')
          buffered = lines.pop() ?? ''
          for (const line of lines.filter((entry) => entry.startsWith('data: '))) {
            onData(JSON.parse(line.slice('data: '.length)))
          }
        })
        response.once('data', () => resolve(request))
        setTimeout(() => resolve(request), 500)
      }
    )
    request.on('error', (error) => {
      if (!request.destroyed) {
        reject(error)
      }
    })
  })
}

export async function subscribe(session: WebSession, uid: string, channel: string) {
  const response = await session.request('POST', '/__transmit/subscribe', { uid, channel })
  return response.status
}
