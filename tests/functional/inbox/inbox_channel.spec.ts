import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import env from '#start/env'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { WebSession, signIn } from '#tests/helpers/web_session'
import { openStream, subscribe } from '#tests/helpers/event_stream'

const BASE = `http://127.0.0.1:${env.get('PORT')}`

test.group('Inbox live channel', () => {
  test('members subscribe, other tenants are rejected', async ({ assert, cleanup }) => {
    const alpha = await createTenantWithOwner('Alpha')
    const beta = await createTenantWithOwner('Beta')
    const viewer = await addMember(alpha.tenant.id, 'viewer')

    const betaOwner = await signIn(BASE, beta.owner.email, beta.password)
    const alphaViewer = await signIn(BASE, viewer.user.email, viewer.password)
    const betaUid = randomUUID()
    const viewerUid = randomUUID()
    const streams = [
      await openStream(BASE, betaOwner, betaUid),
      await openStream(BASE, alphaViewer, viewerUid),
    ]
    cleanup(() => streams.forEach((stream) => stream.destroy()))

    const foreign = await subscribe(betaOwner, betaUid, `tenants/${alpha.tenant.id}/inbox`)
    assert.equal(foreign, 400)
    const own = await subscribe(betaOwner, betaUid, `tenants/${beta.tenant.id}/inbox`)
    assert.equal(own, 204)
    const asViewer = await subscribe(alphaViewer, viewerUid, `tenants/${alpha.tenant.id}/inbox`)
    assert.equal(asViewer, 204)
    const viewerForeign = await subscribe(alphaViewer, viewerUid, `tenants/${beta.tenant.id}/inbox`)
    assert.equal(viewerForeign, 400)
  }).timeout(30_000)

  test('signed-out request is rejected', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const anonymous = new WebSession(BASE)
    await anonymous.request('GET', '/login')

    const response = await anonymous.request('POST', '/__transmit/subscribe', {
      uid: randomUUID(),
      channel: `tenants/${tenant.id}/inbox`,
    })

    assert.notEqual(response.status, 204)
    assert.isBelow(response.status, 500)
  })
})
