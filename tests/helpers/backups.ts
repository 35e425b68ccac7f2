import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createConnection } from 'mysql2/promise'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { createRedisConnection } from '#queues/redis_connection'
import { runAce } from '#tests/helpers/processes'

export type DatabaseKind = 'sqlite' | 'mysql'

/**
 * An install of the product for backup tests, with a database of its own:
 * an SQLite file, or a MariaDB database whose name starts with
 * `disparador_backup_`. It also has a files folder, a Redis prefix and a
 * Lucid connection named `connection` that reads and writes its database.
 */
export interface TestInstall {
  kind: DatabaseKind
  env: Record<string, string>
  connection: string
  storagePath: string
  sqlitePath?: string
  database?: string
}

function mysqlServer() {
  return {
    host: process.env.DB_HOST ?? '127.0.0.1',
    port: Number(process.env.DB_PORT ?? 3306),
    user: process.env.DB_USER ?? 'root',
    password: process.env.DB_PASSWORD ?? '',
    socketPath: process.env.DB_SOCKET_PATH || undefined,
  }
}

async function onMysqlServer(sql: string) {
  const connection = await createConnection(mysqlServer())
  try {
    await connection.query(sql)
  } finally {
    await connection.end()
  }
}

/** Creates an empty install of `kind`; `name` keeps its files and database apart. */
export async function createInstall(kind: DatabaseKind, name: string): Promise<TestInstall> {
  const id = `${name}_${process.pid}`
  const storagePath = app.tmpPath(`backup-${id}-files`)
  await mkdir(storagePath, { recursive: true })
  const tmpPath = app.tmpPath(`backup-${id}-tmp`)
  await mkdir(tmpPath, { recursive: true })
  const env = {
    REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'disparador-test'}-backup-${id}`,
    STORAGE_PATH: storagePath,
    LOG_LEVEL: 'info',
    // Heartbeat files live in the OS temporary folder, which other installs
    // on this machine share.
    TMPDIR: tmpPath,
  }
  const connection = `backup_${id}`

  if (kind === 'sqlite') {
    const sqlitePath = app.tmpPath(`backup-${id}.sqlite3`)
    db.manager.add(connection, {
      client: 'better-sqlite3',
      connection: { filename: sqlitePath },
      useNullAsDefault: true,
      pool: {
        afterCreate: (raw: any, done: (error: Error | null, raw: any) => void) => {
          raw.pragma('journal_mode = WAL')
          raw.pragma('busy_timeout = 5000')
          done(null, raw)
        },
      },
    })
    return {
      kind,
      connection,
      storagePath,
      sqlitePath,
      env: { ...env, DB_CONNECTION: 'sqlite', SQLITE_PATH: sqlitePath },
    }
  }

  const database = `disparador_backup_${id}`
  await onMysqlServer(
    `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`
  )
  db.manager.add(connection, {
    client: 'mysql2',
    connection: { ...mysqlServer(), database, charset: 'utf8mb4', timezone: 'Z' },
  })
  return {
    kind,
    connection,
    storagePath,
    database,
    env: { ...env, DB_CONNECTION: 'mysql', DB_DATABASE: database },
  }
}

function demoLoginFile(install: TestInstall) {
  return app.tmpPath(`${install.connection}-login.txt`)
}

/** Closes the install's connection and deletes its database and files. */
export async function dropInstall(install: TestInstall) {
  await db.manager.close(install.connection, true)
  await rm(install.storagePath, { recursive: true, force: true })
  await rm(install.env.TMPDIR, { recursive: true, force: true })
  await rm(demoLoginFile(install), { force: true })
  await deleteRedisKeys(install.env.REDIS_PREFIX)
  if (install.sqlitePath) {
    for (const suffix of ['', '-wal', '-shm']) {
      await rm(`${install.sqlitePath}${suffix}`, { force: true })
    }
  }
  if (install.database) {
    await onMysqlServer(`DROP DATABASE IF EXISTS \`${install.database}\``)
  }
}

async function deleteRedisKeys(prefix: string) {
  const redis = createRedisConnection('backup-test-cleanup')
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500)
      cursor = next
      if (keys.length > 0) {
        await redis.del(...keys)
      }
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

/** Runs `node ace <args>` against the install and throws with its output unless it exits 0. */
export async function aceOn(
  install: TestInstall,
  args: string[],
  env: Record<string, string> = {}
) {
  const result = await runAce(args, { ...install.env, ...env })
  if (result.code !== 0) {
    throw new Error(`node ace ${args.join(' ')} exited ${result.code}:\n${result.output}`)
  }
  return result.output
}

/**
 * Migrates the install and seeds the demo tenant (contacts, a template, a
 * published campaign), then stores two files under STORAGE_PATH. Returns
 * the tenant's id.
 */
export async function seedInstall(install: TestInstall) {
  await aceOn(install, ['migration:run', '--force'])
  // The demo seeder runs only in development and production.
  await aceOn(install, ['db:seed'], {
    NODE_ENV: 'development',
    DEMO_LOGIN_FILE: demoLoginFile(install),
  })
  await mkdir(join(install.storagePath, 'imports', '1'), { recursive: true })
  await writeFile(join(install.storagePath, 'imports', '1', 'contacts.csv'), 'name,phone\nAna,1\n')
  await mkdir(join(install.storagePath, 'media'), { recursive: true })
  await writeFile(join(install.storagePath, 'media', 'photo.bin'), Buffer.alloc(300_000, 7))

  const tenant = await db.connection(install.connection).from('tenants').first()
  return tenant.id as number
}

/**
 * Inserts contacts into the install's database one after the other until
 * `stop` is called, as a running product would while a backup runs.
 */
export function startContactWriter(install: TestInstall, tenantId: number) {
  let running = true
  let inserted = 0
  const loop = (async () => {
    while (running) {
      await db
        .connection(install.connection)
        .table('contacts')
        .insert({
          tenant_id: tenantId,
          name: `Writer ${inserted}`,
          phone: `+5511${String(900_000_000 + inserted)}`,
          timezone: 'America/Sao_Paulo',
          created_at: new Date(),
        })
      inserted += 1
      // SQLite inserts complete without I/O waits, so without this pause the
      // loop would starve the event loop and the child processes' events.
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
  })()
  return {
    inserted: () => inserted,
    async stop() {
      running = false
      await loop
      return inserted
    },
  }
}

/** Lists the folders that `node ace backup` made in `parent`. */
export async function backupFolders(parent: string) {
  const entries = await readdir(parent).catch(() => [] as string[])
  return entries.filter((entry) => entry.startsWith('disparador-backup-'))
}

/** Reads every row of `table`, ordered by id. */
export function rowsOf(install: TestInstall, table: string) {
  return db.connection(install.connection).from(table).orderBy('id')
}
