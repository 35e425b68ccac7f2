/**
 * Sends JSON to the app with the session's CSRF token, for live previews and
 * counts that are not page visits. Resolves with the parsed body and status.
 */
export async function postJson<T>(
  url: string,
  body: unknown
): Promise<{ status: number; body: T }> {
  const token = decodeURIComponent(document.cookie.match(/(?:^|; )XSRF-TOKEN=([^;]*)/)?.[1] ?? '')
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'accept': 'application/json',
      'x-xsrf-token': token,
    },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as T }
}
