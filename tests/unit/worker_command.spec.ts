import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Reads the worker service's command from compose.yaml as an argument list. */
async function composeWorkerCommand() {
  const compose = await readFile(new URL('../../compose.yaml', import.meta.url), 'utf8')
  const match = compose.match(/^\s+command: (\["node",.*"ace", "worker"\])$/m)
  return match ? (JSON.parse(match[1]) as string[]) : null
}

test.group('Worker command', () => {
  test('sets the memory flags', async ({ assert }) => {
    const command = await composeWorkerCommand()
    assert.isNotNull(command)
    const flags = command!.slice(1, command!.indexOf('ace'))
    assert.include(flags, '--max-semi-space-size=16')
    assert.include(flags, '--heap-growing-percent=50')
  })

  test('node accepts its flags', async ({ assert }) => {
    const command = await composeWorkerCommand()
    const flags = command!.slice(1, command!.indexOf('ace'))
    // Node exits with 9 ("bad option") on a flag that neither Node nor V8 defines.
    const { stdout } = await run(process.execPath, [...flags, '-e', 'console.log("started")'])
    assert.equal(stdout.trim(), 'started')
  })
})
