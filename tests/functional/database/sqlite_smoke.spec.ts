import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { MigrationRunner } from '@adonisjs/lucid/migration'
import Tenant from '#models/tenant'
import User from '#models/user'
import Membership from '#models/membership'
import { runInTenant } from '#tenancy/tenant_context'
import { useSqliteFile } from '#tests/helpers/sqlite_server'

const CONNECTION = 'sqlite_smoke'

/**
 * The embedded default runs the same migrations as MySQL. This group runs
 * them on a fresh SQLite file, uses the models there, and rolls them back.
 */
test.group('SQLite migrations', (group) => {
  useSqliteFile(group, CONNECTION)

  test('migrations run, models work, rollback empties', async ({ assert }) => {
    const up = new MigrationRunner(db, app, { direction: 'up', connectionName: CONNECTION })
    await up.run()
    assert.notExists(up.error, String(up.error))
    assert.isAbove(Object.keys(up.migratedFiles).length, 0)

    const tenant = await Tenant.create(
      { name: 'Smoke', slug: `smoke-${Date.now()}` },
      { connection: CONNECTION }
    )
    const user = await User.create(
      { email: 'smoke@example.com', password: 'correct horse battery', fullName: 'Smoke' },
      { connection: CONNECTION }
    )
    await runInTenant(tenant.id, () =>
      Membership.create({ userId: user.id, role: 'owner' }, { connection: CONNECTION })
    )
    const found = await runInTenant(tenant.id, () =>
      Membership.query({ connection: CONNECTION }).where('user_id', user.id).preload('tenant')
    )
    assert.lengthOf(found, 1)
    assert.equal(found[0].tenant.name, 'Smoke')

    const down = new MigrationRunner(db, app, {
      direction: 'down',
      batch: 0,
      connectionName: CONNECTION,
    })
    await down.run()
    assert.notExists(down.error, String(down.error))
    const tables = await db
      .connection(CONNECTION)
      .rawQuery("select name from sqlite_master where type = 'table' and name = 'tenants'")
    assert.lengthOf(tables, 0)
  })
})
