import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { useSqliteServer } from '#tests/helpers/sqlite_server'
import { signUp } from '#tests/helpers/web_session'
import { waitFor } from '#tests/helpers/channels'

/** Port of the server under test, apart from the suite's own and the other SQLite tests'. */
const PORT = Number(process.env.PORT ?? 3334) + 23
const BASE = `http://127.0.0.1:${PORT}`
const CONNECTION = 'sqlite_workspace_deletion'

/**
 * Workspace deletion on the embedded SQLite database, whose foreign keys
 * and batch deletes differ from MariaDB's: the worker deletes every row of
 * the deleted workspace and leaves the other workspace's rows.
 */
test.group('SQLite workspace deletion', (group) => {
  const { withServerOutput } = useSqliteServer(group, {
    name: 'deletion',
    port: PORT,
    roles: ['web', 'worker'],
    connection: CONNECTION,
  })

  test('worker deletes the marked workspace', async ({ assert }) => {
    const session = await signUp(BASE, 'sqlite.deletion')
    const { tenant: kept } = await session.props('/profile')
    const form = { accept: 'text/html' }
    const created = await session.request(
      'POST',
      '/workspaces',
      { name: 'Doomed on SQLite', defaultCountry: 'BR', timezone: 'America/Sao_Paulo' },
      form
    )
    assert.equal(created.status, 302)
    const { tenant: doomed } = await session.props('/profile')
    assert.notEqual(doomed.id, kept.id)
    const list = await session.request('POST', '/lists', { name: 'Feira' }, form)
    assert.equal(list.status, 302)
    const sqlite = db.connection(CONNECTION)
    const lists = await sqlite.from('contact_lists').where('tenant_id', doomed.id)
    assert.lengthOf(lists, 1)

    const response = await session.request(
      'DELETE',
      '/settings/workspace',
      { confirmName: 'Doomed on SQLite' },
      form
    )
    assert.equal(response.status, 302)
    const [deletion] = await sqlite.from('workspace_deletions').where('workspace_id', doomed.id)
    assert.equal(response.headers.get('location'), `/workspaces/deletions/${deletion.id}`)

    await withServerOutput(() =>
      waitFor(
        async () => !(await sqlite.from('tenants').where('id', doomed.id).first()),
        'the worker to delete the workspace',
        30_000
      )
    )
    const leftLists = await sqlite.from('contact_lists').where('tenant_id', doomed.id)
    assert.lengthOf(leftLists, 0)
    const memberships = await sqlite.from('memberships').where('tenant_id', kept.id)
    assert.lengthOf(memberships, 1)
    // The first page after the end says the workspace was deleted, on the page it was asked for.
    const moved = await session.request('GET', '/profile', undefined, form)
    assert.equal(moved.status, 302)
    assert.equal(moved.headers.get('location'), '/profile')
    const { tenant: current } = await session.props('/profile')
    assert.equal(current.id, kept.id)
    const [finished] = await sqlite.from('workspace_deletions').where('workspace_id', doomed.id)
    assert.equal(finished.status, 'finished')
    assert.isNotNull(finished.finished_at)
    const progress = JSON.parse(finished.progress)
    assert.equal(progress.percent, 100)
    assert.deepEqual(progress.tables.contact_lists, { total: 1, removed: 1 })
  }).timeout(90_000)
})
