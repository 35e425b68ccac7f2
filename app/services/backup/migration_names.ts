import { readdir } from 'node:fs/promises'
import { isAbsolute, join, relative, sep } from 'node:path'
import db from '@adonisjs/lucid/services/db'

/** Lucid's table of applied migrations. */
const SCHEMA_TABLE = 'adonis_schema'

/**
 * Names of the migrations this code has, as Lucid stores them in
 * `adonis_schema`: the file's path from the application root without its
 * extension, for each folder of the connection's `migrations.paths`.
 */
export async function knownMigrations(appRoot: string, paths: string[]) {
  const names = new Set<string>()
  for (const folder of paths) {
    const absolute = isAbsolute(folder) ? folder : join(appRoot, folder)
    const entries = await readdir(absolute).catch(() => [] as string[])
    for (const entry of entries) {
      if (/\.(ts|js)$/.test(entry) && !entry.endsWith('.d.ts')) {
        const name = relative(appRoot, join(absolute, entry)).replace(/\.(ts|js)$/, '')
        names.add(name.split(sep).join('/'))
      }
    }
  }
  return names
}

/**
 * Names of the migrations applied to the default connection's database, in
 * the order they ran; empty when the database has never been migrated.
 */
export async function appliedMigrations() {
  const connection = db.connection()
  if (!(await connection.schema.hasTable(SCHEMA_TABLE))) {
    return []
  }
  const rows = await connection.from(SCHEMA_TABLE).select('name').orderBy('id')
  return rows.map((row: { name: string }) => row.name)
}
