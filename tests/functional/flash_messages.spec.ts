import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
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
})
