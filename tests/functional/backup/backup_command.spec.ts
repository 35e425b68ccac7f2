import { test } from '@japa/runner'
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import Database from 'better-sqlite3'
import {
  backupFolders,
  createInstall,
  dropInstall,
  seedInstall,
  startContactWriter,
  type DatabaseKind,
  type TestInstall,
} from '#tests/helpers/backups'
import { runAce } from '#tests/helpers/processes'

for (const kind of ['sqlite', 'mysql'] as DatabaseKind[]) {
  test.group(`Backup command on ${kind}`, (group) => {
    let install: TestInstall
    let tenantId: number
    const parent = app.tmpPath(`backups-${kind}-${process.pid}`)

    group.setup(async () => {
      install = await createInstall(kind, `backup_${kind}`)
      tenantId = await seedInstall(install)
      return async () => {
        await dropInstall(install)
        await rm(parent, { recursive: true, force: true })
      }
    })

    test('backup while contacts are written', async ({ assert }) => {
      const writer = startContactWriter(install, tenantId)
      const result = await runAce(['backup', '--to', parent], install.env)
      const written = await writer.stop()

      assert.equal(result.code, 0, result.output)
      assert.isAbove(written, 0)
      const folders = await backupFolders(parent)
      assert.lengthOf(folders, 1)
      assert.notMatch(folders[0], /\.partial$/)
      assert.include(result.output, 'APP_KEY')

      const folder = join(parent, folders[0])
      const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'))
      const packageJson = JSON.parse(await readFile(app.makePath('package.json'), 'utf8'))
      assert.equal(manifest.version, packageJson.version)
      assert.equal(manifest.database.kind, kind)
      assert.include(
        manifest.migrations,
        'database/migrations/1764000000000_create_tenants_and_users'
      )

      const csv = manifest.files.find((entry: any) => entry.path === 'files/imports/1/contacts.csv')
      assert.exists(csv)
      const csvBytes = await readFile(join(install.storagePath, 'imports/1/contacts.csv'))
      assert.equal(csv.sha256, createHash('sha256').update(csvBytes).digest('hex'))
      const photo = manifest.files.find((entry: any) => entry.path === 'files/media/photo.bin')
      assert.equal(photo.bytes, 300_000)
    })

    test('backup contains no APP_KEY', async ({ assert }) => {
      const [folder] = await backupFolders(parent)
      const manifest = await readFile(join(parent, folder, 'manifest.json'), 'utf8')
      const database = await readFile(
        join(parent, folder, manifest.includes('.sql"') ? 'database.sql' : 'database.sqlite3')
      )

      assert.isAbove(process.env.APP_KEY?.length ?? 0, 8)
      assert.notInclude(manifest, process.env.APP_KEY!)
      assert.isFalse(database.includes(process.env.APP_KEY!))
    })

    test('database copy is whole', async ({ assert }) => {
      const [folder] = await backupFolders(parent)
      if (kind === 'sqlite') {
        const copy = new Database(join(parent, folder, 'database.sqlite3'), { readonly: true })
        const check = copy.pragma('integrity_check') as { integrity_check: string }[]
        const { total } = copy.prepare('select count(*) as total from contacts').get() as any
        copy.close()
        assert.deepEqual(
          check.map((row) => row.integrity_check),
          ['ok']
        )
        assert.isAbove(total, 0)
      } else {
        const dump = await readFile(join(parent, folder, 'database.sql'), 'utf8')
        assert.include(dump, 'CREATE TABLE `contacts`')
        assert.include(dump, 'INSERT INTO `contacts`')
        assert.match(dump, /-- Dump completed/)
      }
    })
  })
}

test.group('Backup rotation', (group) => {
  let install: TestInstall
  const parent = app.tmpPath(`backups-rotation-${process.pid}`)

  group.setup(async () => {
    install = await createInstall('sqlite', 'backup_rotation')
    await seedInstall(install)
    return async () => {
      await dropInstall(install)
      await rm(parent, { recursive: true, force: true })
    }
  })

  test('keep deletes the oldest backups', async ({ assert }) => {
    const older = [
      'disparador-backup-2020-01-01T00-00-00-000Z',
      'disparador-backup-2021-06-30T12-00-00-000Z',
    ]
    const others = ['disparador-backup-2019-01-01T00-00-00-000Z.partial', 'notes']
    for (const name of [...older, ...others]) {
      await mkdir(join(parent, name), { recursive: true })
    }

    const result = await runAce(['backup', '--to', parent, '--keep', '2'], install.env)

    assert.equal(result.code, 0, result.output)
    const entries = await readdir(parent)
    const left = entries.sort()
    assert.notInclude(left, older[0])
    assert.include(left, older[1])
    assert.include(left, others[0], 'a partial folder was deleted')
    assert.include(left, 'notes')
    const complete = left.filter((name) => /^disparador-backup-.*Z$/.test(name))
    assert.lengthOf(complete, 2)
    assert.include(result.output, 'old backup deleted')
  })
})

test.group('Backup command errors', () => {
  test('folder inside STORAGE_PATH is rejected', async ({ assert }) => {
    const storage = app.tmpPath(`backup-inside-${process.pid}`)
    const result = await runAce(['backup', '--to', join(storage, 'backups')], {
      DB_CONNECTION: 'sqlite',
      SQLITE_PATH: app.tmpPath(`backup-inside-${process.pid}.sqlite3`),
      STORAGE_PATH: storage,
      LOG_LEVEL: 'info',
    })
    await rm(storage, { recursive: true, force: true })
    await rm(app.tmpPath(`backup-inside-${process.pid}.sqlite3`), { force: true })

    assert.equal(result.code, 1, result.output)
    assert.include(result.output, 'E_BACKUP_TARGET_INVALID')
    assert.include(result.output, 'Choose another folder with --to')
  })

  test('invalid keep count is named', async ({ assert }) => {
    const parent = app.tmpPath(`backup-keep-zero-${process.pid}`)
    const result = await runAce(['backup', '--to', parent, '--keep', '0'], {
      DB_CONNECTION: 'sqlite',
      SQLITE_PATH: app.tmpPath(`backup-keep-zero-${process.pid}.sqlite3`),
      LOG_LEVEL: 'info',
    })
    const folders = await backupFolders(parent)
    await rm(parent, { recursive: true, force: true })
    await rm(app.tmpPath(`backup-keep-zero-${process.pid}.sqlite3`), { force: true })

    assert.equal(result.code, 1, result.output)
    assert.include(result.output, 'Invalid --keep value 0:')
    assert.include(result.output, 'E_BACKUP_KEEP_INVALID')
    assert.lengthOf(folders, 0)
  })

  test('missing dump program names what to install', async ({ assert }) => {
    const parent = app.tmpPath(`backup-nopath-${process.pid}`)
    const result = await runAce(['backup', '--to', parent], {
      PATH: '/nonexistent',
      LOG_LEVEL: 'info',
    })
    await rm(parent, { recursive: true, force: true })

    assert.equal(result.code, 1, result.output)
    assert.include(result.output, 'E_BACKUP_CLIENT_MISSING')
    assert.include(result.output, 'apt-get install mariadb-client')
  })
})
