import { test } from '@japa/runner'
import { existsSync } from 'node:fs'
import { mkdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import { getQueue } from '#queues/queue_factory'
import { startAce } from '#tests/helpers/processes'
import { heartbeatFile } from '#processes/process_roles'

test.group('Worker shutdown', () => {
  test('SIGTERM lets the running job finish', async ({ assert, cleanup }) => {
    const directory = app.tmpPath('worker-shutdown')
    await mkdir(directory, { recursive: true })
    const markerFile = join(directory, `marker-${Date.now()}`)
    const queue = getQueue('test-slow')
    cleanup(async () => {
      await queue.obliterate({ force: true })
      await rm(directory, { recursive: true, force: true })
    })

    const worker = startAce(['worker', '--preload', 'tests/fixtures/jobs/slow_job.ts'])
    cleanup(() => {
      worker.child.kill('SIGKILL')
    })
    await worker.waitForOutput(/worker role started/)
    const beat = await stat(heartbeatFile('worker'))
    assert.isBelow(Date.now() - beat.mtimeMs, 15_000, 'the worker heartbeat is fresh')

    const job = await queue.add('slow', { durationMs: 2500, markerFile })
    const deadline = Date.now() + 15_000
    while ((await job.getState()) !== 'active') {
      assert.isBelow(Date.now(), deadline, 'the worker never started the job')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }

    worker.child.kill('SIGTERM')
    const exitCode = await worker.waitForExit()

    assert.equal(exitCode, 0, worker.output())
    assert.isTrue(existsSync(markerFile), 'the job was cut short')
    assert.equal(await job.getState(), 'completed')
    assert.match(worker.output(), /worker role stopped/)
  }).timeout(60_000)
})
