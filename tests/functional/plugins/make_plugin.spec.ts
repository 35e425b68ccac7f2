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

/** Runs a Node script of a package from node_modules and returns its exit code and output. */
function runTool(script: string, args: string[]) {
  return new Promise<{ exitCode: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(appRoot, 'node_modules', script), ...args],
      { cwd: appRoot, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ exitCode: error ? 1 : 0, output: `${stdout}\n${stderr}` })
    )
  })
}

/**
 * Checks a generated plugin folder with the project's ESLint rules and
 * Prettier style, as `npm run lint` checks plugins/. The folder is under
 * tmp/, which ESLint's configuration and Prettier (through .gitignore)
 * skip, hence `--no-ignore` and an empty `--ignore-path`.
 */
async function lintFolder(folder: string) {
  const eslint = await runTool('eslint/bin/eslint.js', ['--no-ignore', folder])
  const prettier = await runTool('prettier/bin/prettier.cjs', ['--check', '--ignore-path=', folder])
  return {
    exitCode: eslint.exitCode || prettier.exitCode,
    output: `${eslint.output}\n${prettier.output}`,
  }
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

    const lint = await lintFolder(join(folder, 'example'))
    assert.equal(lint.exitCode, 0, lint.output)
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
    assert.include(run.output, 'throttled send is retried later')
    assert.include(run.output, 'rejected credentials log the instance out')
    assert.match(run.output, /Tests\s+11 passed \(11\)/)

    const lint = await lintFolder(join(folder, 'acme-sms'))
    assert.equal(lint.exitCode, 0, lint.output)
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
