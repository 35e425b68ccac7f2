import { test } from '@japa/runner'
import { spawn } from 'node:child_process'
import app from '@adonisjs/core/services/app'
import { rm } from 'node:fs/promises'
import { runAce } from '#tests/helpers/processes'

/**
 * Module hooks, given to a child process with `--import`, that print how
 * many Baileys modules the process resolved by the time it exits.
 */
const PROBE = `
import { registerHooks } from 'node:module'
let count = 0
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context)
    if (resolved.url.includes('/node_modules/@whiskeysockets/baileys/')) count++
    return resolved
  },
})
process.on('exit', () => process.stdout.write('\\nbaileys modules: ' + count + '\\n'))
`

/**
 * Runs a child Node process with the probe, sends it SIGTERM once its
 * output contains `readyText` (at once when `readyText` is null) and
 * returns the number of Baileys modules it resolved.
 */
function baileysModulesOf(
  args: string[],
  readyText: string | null,
  env: Record<string, string> = {}
) {
  const probe = `data:text/javascript,${encodeURIComponent(PROBE)}`
  const child = spawn(process.execPath, ['--import', probe, ...args], {
    cwd: app.makePath(),
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
  })
  let output = ''
  const onOutput = (chunk: Buffer) => {
    output += chunk.toString()
    if (readyText && output.includes(readyText)) {
      child.kill('SIGTERM')
    }
  }
  child.stdout.on('data', onOutput)
  child.stderr.on('data', onOutput)

  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000)
    child.on('close', () => {
      clearTimeout(timer)
      const found = output.match(/baileys modules: (\d+)/)
      if (found) {
        resolve(Number(found[1]))
      } else {
        reject(new Error(`the probe printed no count; output ended with: ${output.slice(-800)}`))
      }
    })
  })
}

/**
 * The roles run on a SQLite file and Redis prefix of their own: on the
 * suite's database and queues they would open other tests' instances and
 * take other tests' jobs.
 */
test.group('WhatsApp plugin loading', (group) => {
  const sqliteFile = app.tmpPath(`baileys-loading-${process.pid}.sqlite3`)
  const env = {
    DB_CONNECTION: 'sqlite',
    SQLITE_PATH: sqliteFile,
    REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'disparador-test'}-baileys-loading`,
  }

  group.setup(async () => {
    const migrate = await runAce(['migration:run', '--force'], env)
    if (migrate.code !== 0) {
      throw new Error(`migrations failed on SQLite:\n${migrate.output}`)
    }
    return () => rm(sqliteFile, { force: true })
  })

  test('probe counts Baileys modules', async ({ assert }) => {
    const args = ['--input-type=module', '-e', "await import('@whiskeysockets/baileys')"]
    assert.isAbove(await baileysModulesOf(args, null), 0)
  }).timeout(60_000)

  test('worker role leaves Baileys unloaded', async ({ assert }) => {
    assert.equal(await baileysModulesOf(['ace.js', 'worker'], 'worker role started', env), 0)
  }).timeout(60_000)

  test('channels role without instances leaves Baileys unloaded', async ({ assert }) => {
    assert.equal(await baileysModulesOf(['ace.js', 'channels'], 'channels role started', env), 0)
  }).timeout(60_000)
})
