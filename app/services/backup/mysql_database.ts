import { spawn } from 'node:child_process'
import { constants, createReadStream, createWriteStream } from 'node:fs'
import { access, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Logger } from '@adonisjs/core/logger'
import { BackupException } from '#services/backup/backup_exception'
import { ProgressLog } from '#services/backup/progress_log'

/** Connection settings of the MySQL or MariaDB database, as Lucid has them. */
export interface MysqlSettings {
  host?: string
  port?: number
  socketPath?: string
  user?: string
  password?: string
  database: string
}

/** Dump programs in order of preference, and the client that loads their output. */
const DUMP_PROGRAMS = ['mariadb-dump', 'mysqldump']
const CLIENT_PROGRAMS = ['mariadb', 'mysql']

const INSTALL_HINT =
  'Install the MariaDB or MySQL client (Debian and Ubuntu: apt-get install mariadb-client; ' +
  'Alpine: apk add mariadb-client), or add the folder that contains it to PATH, then run the command again.'

/**
 * Dumps the database into `file` with `--single-transaction`, which reads
 * every InnoDB table in one consistent snapshot while the product keeps
 * writing. The password reaches the dump program through an option file
 * that only this user can read, never through its command line.
 */
export async function dumpMysqlDatabase(settings: MysqlSettings, file: string, logger: Logger) {
  const program = await requireProgram(DUMP_PROGRAMS, 'mariadb-dump or mysqldump')
  const args = [
    '--single-transaction',
    '--quick',
    '--no-tablespaces',
    '--hex-blob',
    '--triggers',
    '--default-character-set=utf8mb4',
    ...(await oracleDumpOptions(program)),
    settings.database,
  ]
  const progress = new ProgressLog(logger, 'dumping database', 'bytes')

  await withOptionFile(settings, async (optionFile) => {
    const child = spawn(program, [`--defaults-extra-file=${optionFile}`, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const stderr = collect(child.stderr)
    const exited = exitOf(child)
    child.stdout.on('data', (chunk: Buffer) => progress.advance(chunk.length))
    await pipeline(child.stdout, createWriteStream(file, { mode: 0o600 }))
    const code = await exited
    if (code !== 0) {
      throw new BackupException(
        `${program} failed with exit code ${code} on database "${settings.database}": ${stderr().trim()}. ` +
          'Check DB_HOST, DB_PORT, DB_USER and DB_PASSWORD, and that the user may read every table.',
        { code: 'E_BACKUP_DUMP_FAILED' }
      )
    }
  })
  return progress.finish()
}

/**
 * Loads a dump into the database with the `mariadb` or `mysql` client,
 * logging the bytes sent.
 */
export async function loadMysqlDump(settings: MysqlSettings, file: string, logger: Logger) {
  const program = await requireProgram(CLIENT_PROGRAMS, 'mariadb or mysql')
  const { size } = await stat(file)
  const progress = new ProgressLog(logger, 'loading database', 'bytes', size)

  await withOptionFile(settings, async (optionFile) => {
    const child = spawn(
      program,
      [`--defaults-extra-file=${optionFile}`, '--default-character-set=utf8mb4', settings.database],
      { stdio: ['pipe', 'ignore', 'pipe'] }
    )
    const stderr = collect(child.stderr)
    const exited = exitOf(child)
    const source = createReadStream(file)
    source.on('data', (chunk) => progress.advance(chunk.length))
    await pipeline(source, child.stdin).catch(() => {})
    const code = await exited
    if (code !== 0) {
      throw new BackupException(
        `${program} failed with exit code ${code} while loading ${file} into database "${settings.database}": ${stderr().trim()}. ` +
          'Check that the database exists and that DB_USER may create tables in it.',
        { code: 'E_RESTORE_LOAD_FAILED' }
      )
    }
  })
  progress.finish()
}

/**
 * Options that Oracle's mysqldump needs and MariaDB's lacks: no GTID
 * statements, which a restore into another server rejects, and no column
 * statistics, which MariaDB servers do not have.
 */
async function oracleDumpOptions(program: string) {
  const version = await new Promise<string>((resolve) => {
    const child = spawn(program, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] })
    const output = collect(child.stdout)
    child.on('error', () => resolve(''))
    child.on('close', () => resolve(output()))
  })
  return /mariadb/i.test(version) ? [] : ['--set-gtid-purged=OFF', '--column-statistics=0']
}

/**
 * Writes the connection settings to a client option file readable by this
 * user only, runs `task` with its path, and deletes it.
 */
async function withOptionFile(settings: MysqlSettings, task: (path: string) => Promise<void>) {
  const folder = await mkdtemp(join(tmpdir(), 'disparador-mysql-'))
  const path = join(folder, 'client.cnf')
  const lines = ['[client]']
  if (settings.socketPath) {
    lines.push(`socket=${quote(settings.socketPath)}`)
  } else {
    lines.push(`host=${quote(settings.host ?? '127.0.0.1')}`, `port=${settings.port ?? 3306}`)
    // A host name makes the client use TCP; "localhost" would mean the socket.
    lines.push('protocol=TCP')
  }
  lines.push(`user=${quote(settings.user ?? 'root')}`)
  lines.push(`password=${quote(settings.password ?? '')}`)

  try {
    await writeFile(path, lines.join('\n') + '\n', { mode: 0o600 })
    await task(path)
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}

/** Quotes an option file value; backslash and double quote are escaped. */
function quote(value: string) {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** Finds the first of `names` on the PATH, or raises an error that names the package to install. */
async function requireProgram(names: string[], label: string) {
  for (const folder of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const path = join(folder, name)
      const found = await access(path, constants.X_OK).then(
        () => true,
        () => false
      )
      if (found) {
        return path
      }
    }
  }
  throw new BackupException(`${label} was not found on the PATH. ${INSTALL_HINT}`, {
    code: 'E_BACKUP_CLIENT_MISSING',
  })
}

function collect(stream: NodeJS.ReadableStream) {
  let text = ''
  stream.on('data', (chunk) => {
    // Keeps the last 4 KB, enough for the client's error lines.
    text = (text + chunk.toString()).slice(-4096)
  })
  return () => text
}

/** Resolves with the exit code, or `null` when the program could not start. */
function exitOf(child: ReturnType<typeof spawn>) {
  return new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null))
    child.on('close', (code) => resolve(code))
  })
}
