import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import transmit from '@adonisjs/transmit/services/main'
import env from '#start/env'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { signIn } from '#tests/helpers/web_session'
import { openStream, subscribe } from '#tests/helpers/event_stream'
import { closeRevokedStreams } from '#services/realtime/stream_access'

const BASE = `http://127.0.0.1:${env.get('PORT')}`

test.group('Revoked event streams', () => {
  test('message after closing is dropped', async ({ assert, cleanup }) => {
    const { tenant, owner, password } = await createTenantWithOwner('Streams')
    const session = await signIn(BASE, owner.email, password)
    const uid = randomUUID()
    const stream = await openStream(BASE, session, uid)
    cleanup(() => {
      stream.destroy()
    })
    const channel = `tenants/${tenant.id}/campaigns`
    assert.equal(await subscribe(session, uid, channel), 204)

    const uncaught: Error[] = []
    const record = (error: Error) => uncaught.push(error)
    process.on('uncaughtException', record)
    cleanup(() => {
      process.off('uncaughtException', record)
    })

    // A password change elsewhere signs the session out, so its stream closes.
    await db.from('users').where('id', owner.id).increment('session_version', 1)
    assert.equal(await closeRevokedStreams(), 1)
    // Transmit keeps listing the stream until its response closes: a broadcast
    // or a keep-alive ping can reach it in between.
    transmit.broadcast(channel, { state: 'paused' })
    await new Promise((resolve) => setTimeout(resolve, 200))

    assert.deepEqual(
      uncaught.map((error) => error.message),
      [],
      'a message to the closed stream raised an uncaught error'
    )
  }).timeout(30_000)
})
