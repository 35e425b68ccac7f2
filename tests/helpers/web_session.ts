/**
 * A browser-like session against a running server: it keeps the cookies
 * the server sets and sends the XSRF token with every request, so tests
 * can call routes of a server in another process the way the pages do.
 */
export class WebSession {
  #cookies = new Map<string, string>()
  #assetVersion = '1'

  constructor(readonly base: string) {}

  cookieHeader() {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  /**
   * Sends a request with the session's cookies. An object body goes as
   * JSON, a `FormData` body as a multipart upload; `accept` defaults to JSON.
   */
  async request(
    method: string,
    path: string,
    body?: Record<string, unknown> | FormData,
    headers: Record<string, string> = {}
  ) {
    const form = body instanceof FormData
    let payload: string | FormData | undefined
    if (form) {
      payload = body
    } else if (body) {
      payload = JSON.stringify(body)
    }
    const response = await fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        'cookie': this.cookieHeader(),
        'x-xsrf-token': decodeURIComponent(this.#cookies.get('XSRF-TOKEN') ?? ''),
        'accept': 'application/json',
        ...(body && !form ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: payload,
    })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';')
      const index = pair.indexOf('=')
      this.#cookies.set(pair.slice(0, index), pair.slice(index + 1))
    }
    return response
  }

  /**
   * Reads the props of an Inertia page the way the client reads them. When
   * the server's asset version differs (after a build), it takes the new
   * version and repeats the request.
   */
  async props(path: string) {
    const inertia = () => ({ 'x-inertia': 'true', 'x-inertia-version': this.#assetVersion })
    let response = await this.request('GET', path, undefined, inertia())
    if (response.status === 409) {
      const stale = await response.json()
      this.#assetVersion = stale.version
      response = await this.request('GET', path, undefined, inertia())
    }
    if (response.status !== 200) {
      throw new Error(`GET ${path} returned ${response.status}: ${await response.text()}`)
    }
    const body = await response.json()
    return body.props
  }

  /** Sends a request and returns its JSON body, failing with the body on another status. */
  async json<T = any>(method: string, path: string, body?: Record<string, unknown>, status = 200) {
    const response = await this.request(method, path, body)
    const text = await response.text()
    if (response.status !== status) {
      throw new Error(`${method} ${path} returned ${response.status}, expected ${status}: ${text}`)
    }
    return JSON.parse(text) as T
  }
}

/** Signs in through the login form, as a browser does, and returns the session. */
export async function signIn(base: string, email: string, password: string) {
  const session = new WebSession(base)
  await session.request('GET', '/login')
  const response = await session.request('POST', '/login', { email, password })
  if (response.status !== 302 && response.status !== 303) {
    throw new Error(`sign-in of ${email} returned ${response.status}`)
  }
  return session
}

/** Signs up a new owner and tenant through the sign-up form and returns the session. */
export async function signUp(base: string, name: string) {
  const session = new WebSession(base)
  await session.request('GET', '/signup')
  const response = await session.request('POST', '/signup', {
    fullName: `Owner ${name}`,
    email: `${name}@example.com`,
    password: 'correct horse battery',
    tenantName: `Tenant ${name}`,
  })
  if (response.status !== 302 && response.status !== 303) {
    throw new Error(`sign-up of ${name} returned ${response.status}: ${await response.text()}`)
  }
  return session
}
