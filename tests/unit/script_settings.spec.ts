import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const SETTINGS = resolve('script/settings')

/** Runs `command` in bash after sourcing the settings script, in `cwd`, with only `env` set. */
async function shell(cwd: string, command: string, env: Record<string, string> = {}) {
  const { stdout } = await run('bash', ['-c', `source ${SETTINGS}; ${command}`], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
  })
  return stdout.trim()
}

test.group('Script settings', (group) => {
  let folder: string
  group.each.setup(async () => {
    folder = await mkdtemp(join(tmpdir(), 'settings-'))
    return () => rm(folder, { recursive: true, force: true })
  })

  test('environment, then .env, then default', async ({ assert }) => {
    await writeFile(join(folder, '.env'), 'PORT=3569\nHOST="0.0.0.0"\n# DB_CONNECTION=mysql\n')

    assert.equal(await shell(folder, 'setting PORT 3333'), '3569')
    assert.equal(await shell(folder, 'setting PORT 3333', { PORT: '4000' }), '4000')
    assert.equal(await shell(folder, 'setting HOST 127.0.0.1'), '0.0.0.0')
    assert.equal(await shell(folder, 'setting DB_CONNECTION sqlite'), 'sqlite')
  })

  test('default without .env', async ({ assert }) => {
    assert.equal(await shell(folder, 'setting PORT 3333'), '3333')
  })

  test('paths from the project root', async ({ assert }) => {
    await writeFile(join(folder, '.env'), 'SQLITE_PATH=data/app.sqlite3\n')

    assert.equal(
      await shell(folder, 'path_setting SQLITE_PATH tmp/x.sqlite3'),
      join(folder, 'data/app.sqlite3')
    )
    assert.equal(await shell(folder, 'path_setting STORAGE_PATH storage'), join(folder, 'storage'))
    assert.equal(
      await shell(folder, 'path_setting STORAGE_PATH storage', { STORAGE_PATH: '/srv/files' }),
      '/srv/files'
    )
  })
})
