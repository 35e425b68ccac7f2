/**
 * JSON requests of the flow editor. Shield checks the `X-XSRF-TOKEN`
 * header against the `XSRF-TOKEN` cookie it sets on every page.
 */
function xsrfToken() {
  const cookie = document.cookie.split('; ').find((entry) => entry.startsWith('XSRF-TOKEN='))
  return cookie ? decodeURIComponent(cookie.slice('XSRF-TOKEN='.length)) : ''
}

export interface JsonResponse<Body> {
  status: number
  ok: boolean
  body: Body
}

export async function requestJson<Body = any>(
  method: string,
  url: string,
  payload?: unknown
): Promise<JsonResponse<Body>> {
  const response = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: {
      'Accept': 'application/json',
      'Content-Type': 'application/json',
      'X-XSRF-TOKEN': xsrfToken(),
    },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  })
  const text = await response.text()
  return { status: response.status, ok: response.ok, body: text ? JSON.parse(text) : null }
}
