import { test } from '@japa/runner'
import { rm } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { MigrationRunner } from '@adonisjs/lucid/migration'

const CONNECTION = 'plugin_migrations'
const FIXTURE_FOLDER = './tests/fixtures/plugins/fixture-notes/database/migrations'

/**
 * Plugin migrations run and roll back with the application's. This group
 * runs the migration paths of the configured default connection on a
 * fresh SQLite file, so the shared test database is left alone.
 */
test.group('Plugin migrations', (group) => {
  const file = app.tmpPath(`plugin-migrations-${process.pid}.sqlite3`)
  const paths = db.manager.get(db.primaryConnectionName)!.config.migrations!.paths!

  group.setup(async () => {
    db.manager.add(CONNECTION, {
      client: 'better-sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
      migrations: { naturalSort: true, paths },
    })
    return async () => {
      await db.manager.close(CONNECTION)
      await rm(file, { force: true })
    }
  })

  test('configured paths include the plugin folder', ({ assert }) => {
    assert.equal(paths[0], 'database/migrations')
    assert.include(paths, FIXTURE_FOLDER)
  })

  test('run creates the table and rollback drops it', async ({ assert }) => {
    const schema = () => db.connection(CONNECTION).schema

    const up = new MigrationRunner(db, app, { direction: 'up', connectionName: CONNECTION })
    await up.run()
    assert.notExists(up.error, String(up.error))
    const ran = Object.keys(up.migratedFiles)
    assert.isTrue(
      ran.some((name) => name.includes('fixture-notes')),
      `fixture-notes migration did not run: ${ran.join(', ')}`
    )
    assert.isTrue(await schema().hasTable('fixture_notes_events'))
    assert.isTrue(await schema().hasTable('tenants'))

    const down = new MigrationRunner(db, app, { direction: 'down', connectionName: CONNECTION })
    await down.run()
    assert.notExists(down.error, String(down.error))
    assert.isFalse(await schema().hasTable('fixture_notes_events'))
    assert.isFalse(await schema().hasTable('tenants'))
  })
})
