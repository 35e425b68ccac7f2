function csrfToken() {
  return decodeURIComponent(document.cookie.match(/(?:^|; )XSRF-TOKEN=([^;]*)/)?.[1] ?? '')
}

/**
 * Sends a request to the inbox routes with the session's CSRF token: JSON
 * for a plain object, multipart for `FormData`. Resolves with the status and
 * the parsed body, or `{}` when the body is not JSON.
 */
export async function inboxRequest<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: Record<string, unknown> | FormData
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {
    'accept': 'application/json',
    'x-xsrf-token': csrfToken(),
  }
  let payload: BodyInit | undefined
  if (body instanceof FormData) {
    payload = body
  } else if (body) {
    headers['content-type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  const response = await fetch(url, { method, headers, credentials: 'same-origin', body: payload })
  const parsed = (await response.json().catch(() => ({}))) as T
  return { status: response.status, body: parsed }
}
