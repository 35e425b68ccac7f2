import { test } from '@japa/runner'
import { cp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import {
  aceOn,
  backupFolders,
  createInstall,
  dropInstall,
  rowsOf,
  seedInstall,
  startContactWriter,
  type DatabaseKind,
  type TestInstall,
} from '#tests/helpers/backups'
import { runAce, startAce } from '#tests/helpers/processes'

/** Tables the contact writer leaves alone, which a restore must give back whole. */
const SEEDED_TABLES = [
  'tenants',
  'users',
  'memberships',
  'templates',
  'campaigns',
  'flows',
  'flow_versions',
  'channel_instances',
  'adonis_schema',
]

for (const kind of ['sqlite', 'mysql'] as DatabaseKind[]) {
  test.group(`Restore command on ${kind}`, (group) => {
    let source: TestInstall
    let target: TestInstall
    let folder: string
    let contactsBefore: number
    const parent = app.tmpPath(`restores-${kind}-${process.pid}`)

    group.setup(async () => {
      source = await createInstall(kind, `source_${kind}`)
      target = await createInstall(kind, `target_${kind}`)
      const tenantId = await seedInstall(source)

      const contacts = await rowsOf(source, 'contacts')
      contactsBefore = contacts.length
      const writer = startContactWriter(source, tenantId)
      await aceOn(source, ['backup', '--to', parent])
      await writer.stop()
      const [name] = await backupFolders(parent)
      folder = join(parent, name)

      return async () => {
        await dropInstall(source)
        await dropInstall(target)
        await rm(parent, { recursive: true, force: true })
      }
    })

    test('restore into empty database', async ({ assert }) => {
      const result = await runAce(['restore', folder], target.env)
      assert.equal(result.code, 0, result.output)
      assert.include(result.output, 'restore finished')

      for (const table of SEEDED_TABLES) {
        assert.deepEqual(await rowsOf(target, table), await rowsOf(source, table), table)
      }

      const restored = await rowsOf(target, 'contacts')
      const lastId = restored[restored.length - 1].id
      const sourceRows = await rowsOf(source, 'contacts').where('id', '<=', lastId)
      assert.isAtLeast(restored.length, contactsBefore)
      assert.deepEqual(restored, sourceRows)

      for (const file of ['imports/1/contacts.csv', 'media/photo.bin']) {
        const copy = await readFile(join(target.storagePath, file))
        assert.isTrue(copy.equals(await readFile(join(source.storagePath, file))), file)
      }
    })

    test('existing tenants need --force', async ({ assert }) => {
      const tenants = () => db.connection(target.connection).from('tenants')
      await db
        .connection(target.connection)
        .table('tenants')
        .insert({ name: 'Kept', slug: 'kept', created_at: new Date() })

      const rejected = await runAce(['restore', folder], target.env)
      assert.equal(rejected.code, 3, rejected.output)
      assert.include(rejected.output, 'E_RESTORE_TARGET_NOT_EMPTY')
      assert.include(rejected.output, '--force')
      assert.exists(await tenants().where('slug', 'kept').first())

      const forced = await runAce(['restore', folder, '--force'], target.env)
      assert.equal(forced.code, 0, forced.output)
      // An open SQLite connection still reads the replaced file, as a process
      // that was not stopped would.
      await db.manager.close(target.connection)
      assert.notExists(await tenants().where('slug', 'kept').first())
      assert.deepEqual(await rowsOf(target, 'tenants'), await rowsOf(source, 'tenants'))
    })

    test('corrupt checksum is rejected', async ({ assert }) => {
      const copy = `${folder}-corrupt`
      await cp(folder, copy, { recursive: true })
      await writeFile(join(copy, 'files/imports/1/contacts.csv'), 'name,phone\nEve,2\n')

      const result = await runAce(['restore', copy, '--force'], target.env)
      assert.equal(result.code, 2, result.output)
      assert.include(result.output, 'E_BACKUP_CHECKSUM_MISMATCH')
      assert.include(result.output, 'files/imports/1/contacts.csv')
      const content = await readFile(join(target.storagePath, 'imports/1/contacts.csv'), 'utf8')
      assert.equal(content, 'name,phone\nAna,1\n')
    })

    test('newer migrations are rejected', async ({ assert }) => {
      const copy = `${folder}-newer`
      await cp(folder, copy, { recursive: true })
      const manifest = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8'))
      manifest.version = '9.0.0'
      manifest.migrations.push('database/migrations/1999999999999_add_future_table')
      await writeFile(join(copy, 'manifest.json'), JSON.stringify(manifest))

      const result = await runAce(['restore', copy, '--force'], target.env)
      assert.equal(result.code, 2, result.output)
      assert.include(result.output, 'E_BACKUP_NEWER_VERSION')
      assert.include(result.output, '1999999999999_add_future_table')
      assert.include(result.output, 'Install Disparador 9.0.0 or newer')
    })
  })
}

test.group('Restore command with roles running', (group) => {
  let install: TestInstall
  const parent = app.tmpPath(`restores-running-${process.pid}`)

  group.setup(async () => {
    install = await createInstall('sqlite', 'running')
    await seedInstall(install)
    await aceOn(install, ['backup', '--to', parent])
    return async () => {
      await dropInstall(install)
      await rm(parent, { recursive: true, force: true })
    }
  })

  test('running worker blocks restore', async ({ assert }) => {
    const worker = startAce(['worker'], install.env)
    try {
      await worker.waitForOutput(/worker role started/, 60_000)
      const [name] = await backupFolders(parent)
      const folder = join(parent, name)

      const result = await runAce(['restore', folder, '--force'], install.env)
      assert.equal(result.code, 4, result.output)
      assert.include(result.output, 'E_RESTORE_ROLES_RUNNING')
      assert.include(result.output, 'docker compose stop web worker channels')
    } finally {
      worker.child.kill('SIGTERM')
      await worker.waitForExit().catch(() => worker.child.kill('SIGKILL'))
    }
  })
})
