import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { parse } from 'yaml'

const run = promisify(execFile)
const root = new URL('../../', import.meta.url)

/** Reads the options between `node` and `ace` in the worker's command in compose.yaml. */
async function composeWorkerFlags() {
  const compose = parse(await readFile(new URL('compose.yaml', root), 'utf8'))
  const command: string[] = compose.services.worker.command
  return command.slice(1, command.indexOf('ace'))
}

test.group('Worker node flags', () => {
  test('compose starts the worker with V8 heap flags', async ({ assert }) => {
    const flags = await composeWorkerFlags()
    assert.include(flags, '--max-semi-space-size=16')
    assert.include(flags, '--heap-growing-percent=35')
  })

  test('this node accepts every flag', async ({ assert }) => {
    const flags = await composeWorkerFlags()
    // Node exits with "bad option" on a flag that its V8 no longer has.
    const { stderr } = await run(process.execPath, [...flags, '-e', ''])
    assert.equal(stderr, '')
  })

  test('script/server uses the same flags', async ({ assert }) => {
    const flags = await composeWorkerFlags()
    const script = await readFile(new URL('script/server', root), 'utf8')
    assert.include(script, `node ${flags.join(' ')} bin/server.js`)
  })

  test('dockerfile lists the same worker command', async ({ assert }) => {
    const flags = await composeWorkerFlags()
    const dockerfile = await readFile(new URL('Dockerfile', root), 'utf8')
    assert.include(dockerfile, `node ${flags.join(' ')} ace worker`)
  })
})
