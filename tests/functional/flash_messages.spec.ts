import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { signIn } from '#tests/helpers/web_session'

const BASE = `http://127.0.0.1:${env.get('PORT')}`

/**
 * A page's real-time requests can reach the server between a form's
 * redirect and the page it leads to; the flash message must survive them.
 */
test.group('Flash messages', () => {
  test('survive a real-time request', async ({ assert }) => {
    const { tenant, owner, password } = await createTenantWithOwner()
    const session = await signIn(BASE, owner.email, password)
    const uid = randomUUID()

    const saved = await session.request('PUT', '/profile/name', { fullName: 'Ana Nova' })
    assert.equal(saved.status, 302)
    // The page's event stream opens, then subscribes, before the redirect's page loads.
    const stop = new AbortController()
    const stream = await fetch(`${BASE}/__transmit/events?uid=${uid}`, {
      headers: { cookie: session.cookieHeader(), accept: 'text/event-stream' },
      signal: stop.signal,
    })
    assert.equal(stream.status, 200)
    const subscribed = await session.request('POST', '/__transmit/subscribe', {
      uid,
      channel: `tenants/${tenant.id}/campaigns`,
    })
    assert.equal(subscribed.status, 204)
    await session.request('POST', '/__transmit/unsubscribe', {
      uid,
      channel: `tenants/${tenant.id}/campaigns`,
    })

    stop.abort()

    const props = await session.props('/profile')
    assert.isString(props.flash.success)
  })

  test('real-time requests write no session', async ({ assert }) => {
    const { tenant, owner, password } = await createTenantWithOwner()
    const session = await signIn(BASE, owner.email, password)
    const uid = randomUUID()
    const stop = new AbortController()
    const stream = await fetch(`${BASE}/__transmit/events?uid=${uid}`, {
      headers: { cookie: session.cookieHeader(), accept: 'text/event-stream' },
      signal: stop.signal,
    })
    assert.equal(stream.status, 200)

    // A request that read the session before a form's response and wrote it back after
    // would drop what the form stored, so these requests never write it.
    const subscribed = await session.request('POST', '/__transmit/subscribe', {
      uid,
      channel: `tenants/${tenant.id}/campaigns`,
    })
    assert.equal(subscribed.status, 204)
    const written = (response: Response) =>
      response.headers.getSetCookie().filter((cookie) => cookie.startsWith('disparador-session='))
    assert.deepEqual(written(subscribed), [])
    assert.deepEqual(written(stream), [])
    stop.abort()

    // Without a session, a real-time request is refused as unauthenticated.
    const anonymous = await fetch(`${BASE}/__transmit/events?uid=${randomUUID()}`, {
      headers: { accept: 'text/event-stream' },
    })
    assert.equal(anonymous.status, 401)

    // Another member's workspace stays closed to the session.
    const other = await createTenantWithOwner()
    const denied = await session.request('POST', '/__transmit/subscribe', {
      uid,
      channel: `tenants/${other.tenant.id}/campaigns`,
    })
    assert.notEqual(denied.status, 204)
  })

  test('survive a partial reload', async ({ assert }) => {
    const { owner, password } = await createTenantWithOwner()
    const session = await signIn(BASE, owner.email, password)
    const page = await session.props('/connections')
    assert.isArray(page.instances)

    const created = await session.request(
      'POST',
      '/connections',
      { name: '', channel: 'sandbox' },
      { 'x-inertia': 'true', 'accept': 'text/html, application/xhtml+xml' }
    )
    assert.equal(created.status, 302)
    // The page's live reload of its connections lands before the redirect's page.
    const partial = (version: string) =>
      session.request('GET', '/connections', undefined, {
        'x-inertia': 'true',
        'x-inertia-version': version,
        'x-inertia-partial-data': 'instances',
        'x-inertia-partial-component': 'connections/index',
      })
    let reload = await partial('')
    if (reload.status === 409) {
      const stale = await reload.json()
      reload = await partial(stale.version)
    }
    assert.equal(reload.status, 200)

    const props = await session.props('/connections')
    assert.property(props.errors, 'name')
  })

  test('real-time request of an ended session', async ({ assert }) => {
    const { tenant, owner, password } = await createTenantWithOwner()
    const session = await signIn(BASE, owner.email, password)
    // A password change elsewhere ends the session.
    await db.from('users').where('id', owner.id).increment('session_version', 1)

    const subscribed = await session.request('POST', '/__transmit/subscribe', {
      uid: randomUUID(),
      channel: `tenants/${tenant.id}/campaigns`,
    })
    assert.equal(subscribed.status, 401)

    // The next page visit signs the session out.
    const visit = await session.request('GET', '/campaigns', undefined, { accept: 'text/html' })
    assert.equal(visit.status, 302)
    assert.equal(visit.headers.get('location'), '/login')
  })
})
