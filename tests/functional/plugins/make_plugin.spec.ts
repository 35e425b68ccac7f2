import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import app from '@adonisjs/core/services/app'
import { startAce } from '#tests/helpers/processes'

const appRoot = fileURLToPath(app.appRoot)

/** Runs `node ace make:plugin ...args` and returns its exit code and output. */
async function makePlugin(args: string[]) {
  const child = startAce(['make:plugin', ...args, '--no-ansi'])
  const exitCode = await child.waitForExit(60_000)
  return { exitCode, output: child.output() }
}

/**
 * Runs generated spec files in a separate test process whose plugin host
 * loads only the plugins of `pluginsPath`.
 */
function runSpecs(pluginsPath: string, files: string[]) {
  const runner = 'tests/functional/plugins/spec_file_runner.ts'
  return new Promise<{ exitCode: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', '@poppinss/ts-exec', runner, ...files],
      {
        cwd: appRoot,
        env: {
          ...process.env,
          PLUGINS_PATH: pluginsPath,
          REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'disparador-test'}-specs`,
          LOG_LEVEL: 'warn',
        },
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        let exitCode = 0
        if (error) {
          exitCode = typeof error.code === 'number' ? error.code : 1
        }
        resolve({ exitCode, output: `${stdout}\n${stderr}` })
      }
    )
  })
}

test.group('Plugin generator', (group) => {
  const folder = app.tmpPath(`make-plugin-${process.pid}`)
  const pluginsPath = relative(appRoot, folder)

  group.setup(() => async () => {
    await rm(folder, { recursive: true, force: true })
  })

  test('node type skeleton passes its test', async ({ assert }) => {
    const result = await makePlugin(['example', '--path', pluginsPath])
    assert.equal(result.exitCode, 0, result.output)
    for (const file of [
      'plugin.json',
      'index.ts',
      'node_types/greet_node.ts',
      'lang/en/example.json',
      'lang/pt-BR/example.json',
      'tests/greet_node.spec.ts',
    ]) {
      assert.isTrue(existsSync(join(folder, 'example', file)), `missing ${file}`)
    }
    const manifest = JSON.parse(await readFile(join(folder, 'example', 'plugin.json'), 'utf8'))
    assert.equal(manifest.name, 'example')

    const run = await runSpecs(pluginsPath, [`${pluginsPath}/example/tests/greet_node.spec.ts`])
    assert.equal(run.exitCode, 0, run.output)
    assert.include(run.output, 'plugin example booted')
    assert.match(run.output, /Tests\s+4 passed \(4\)/)
  }).timeout(180_000)

  test('channel skeleton passes the conformance kit', async ({ assert }) => {
    const result = await makePlugin(['acme-sms', '--channel', '--path', pluginsPath])
    assert.equal(result.exitCode, 0, result.output)
    const spec = `${pluginsPath}/acme-sms/tests/acme_sms_channel.spec.ts`
    assert.isTrue(existsSync(join(appRoot, spec)), `missing ${spec}`)

    const run = await runSpecs(pluginsPath, [spec])
    assert.equal(run.exitCode, 0, run.output)
    assert.include(run.output, 'plugin acme-sms booted')
    assert.include(run.output, 'Channel conformance: acme-sms')
    assert.include(run.output, 'reconnects after a dropped connection')
    assert.match(run.output, /Tests\s+9 passed \(9\)/)
  }).timeout(180_000)

  test('rejects a name not in kebab-case', async ({ assert }) => {
    const result = await makePlugin(['Acme_SMS', '--path', pluginsPath])
    assert.equal(result.exitCode, 1)
    assert.include(result.output, 'Invalid plugin name "Acme_SMS"')
    assert.include(result.output, '"acme-sms"')
    assert.isFalse(existsSync(join(folder, 'Acme_SMS')))
  }).timeout(60_000)

  test('rejects the name of an installed plugin', async ({ assert }) => {
    const result = await makePlugin(['fixture-notes', '--path', pluginsPath])
    assert.equal(result.exitCode, 1)
    assert.include(result.output, 'E_PLUGIN_EXISTS')
    assert.include(result.output, 'tests/fixtures/plugins/fixture-notes')
    assert.isFalse(existsSync(join(folder, 'fixture-notes')))
  }).timeout(60_000)

  test('rejects a path outside the application', async ({ assert }) => {
    const result = await makePlugin(['outside', '--path', '/tmp'])
    assert.equal(result.exitCode, 1)
    assert.include(result.output, '--path "/tmp" is outside the application root')
  }).timeout(60_000)
})
