import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { Logger } from '@adonisjs/core/logger'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { clearMailbox, latestLinkTo } from '#tests/helpers/mailbox'

interface LoggedRequest {
  method: string
  url: string
}

/**
 * Records the "request completed" lines that every logger of the process
 * writes until the returned function is called, which restores the logger.
 * The lines are recorded whatever the log level.
 */
function recordRequestLines() {
  const lines: LoggedRequest[] = []
  const original = Logger.prototype.log
  Logger.prototype.log = function (this: Logger, level, mergingObject, message, ...values) {
    if (message === 'request completed') {
      lines.push(mergingObject as LoggedRequest)
    }
    return original.call(this, level, mergingObject, message, ...values)
  }
  const restore = () => {
    Logger.prototype.log = original
  }
  return { lines, restore }
}

test.group('Request log', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())
  group.each.setup(() => clearMailbox())

  test('link tokens are logged redacted', async ({ client, assert, cleanup }) => {
    const { owner } = await createTenantWithOwner()
    await client.post('/forgot-password').form({ email: owner.email }).withCsrfToken()
    const reset = await latestLinkTo(owner.email)
    await client
      .post('/settings/invitations')
      .form({ email: 'dora@example.com', role: 'agent' })
      .loginAs(owner)
      .withCsrfToken()
    const invitation = await latestLinkTo('dora@example.com')
    const recorder = recordRequestLines()
    cleanup(recorder.restore)

    for (const link of [reset, invitation]) {
      const page = await client.get(link.pathname)
      page.assertStatus(200)
    }
    const accept = await client
      .post(invitation.pathname)
      .form({ fullName: 'Dora Lima', password: 'correct horse battery' })
      .withCsrfToken()
      .redirects(0)
    accept.assertStatus(302)

    const urls = recorder.lines.map((line) => `${line.method} ${line.url}`)
    assert.include(urls, 'GET /reset-password/[redacted]')
    assert.include(urls, 'GET /invitations/[redacted]')
    assert.include(urls, 'POST /invitations/[redacted]')
    for (const link of [reset, invitation]) {
      const token = link.pathname.split('/').at(-1)!
      assert.notInclude(urls.join('\n'), token)
    }
  })

  test('other paths are logged whole', async ({ client, assert, cleanup }) => {
    const { owner } = await createTenantWithOwner()
    const recorder = recordRequestLines()
    cleanup(recorder.restore)

    await client.get('/settings/members').loginAs(owner)

    const urls = recorder.lines.map((line) => line.url)
    assert.include(urls, '/settings/members')
  })
})
