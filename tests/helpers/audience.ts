import { setTimeout as sleep } from 'node:timers/promises'
import type { Worker } from 'bullmq'
import logger from '@adonisjs/core/services/logger'
import ContactImport from '#models/contact_import'
import { createWorker } from '#queues/queue_factory'
import { findJob } from '#queues/job_registry'
import { IMPORT_JOB, IMPORT_QUEUE } from '#services/imports/import_service'
import { runInTenant } from '#tenancy/tenant_context'

/**
 * Starts a BullMQ worker on the imports queue that runs the registered
 * import job, as the worker role does. Returns a function that closes it.
 */
export async function startImportWorker() {
  await import('#start/jobs')
  const definition = findJob(IMPORT_QUEUE, IMPORT_JOB)!
  const worker: Worker = createWorker(IMPORT_QUEUE, (job) => definition.handle(job), {
    concurrency: 2,
  })
  worker.on('error', (error) => logger.error({ err: error }, 'test import worker error'))
  await worker.waitUntilReady()
  return () => worker.close()
}

/**
 * Waits until the import is finished or failed, checking every 50 ms for at
 * most `limitMs`, and returns it.
 */
export async function waitForImport(tenantId: number, importId: number, limitMs = 120_000) {
  const deadline = Date.now() + limitMs
  while (Date.now() < deadline) {
    const contactImport = await runInTenant(tenantId, () => ContactImport.findOrFail(importId))
    if (contactImport.isDone) {
      return contactImport
    }
    await sleep(50)
  }
  throw new Error(`Import ${importId} did not finish within ${limitMs} ms`)
}

/**
 * Headers of an Inertia visit, so a page route returns its props as JSON.
 */
export const INERTIA_HEADERS = { 'x-inertia': 'true', 'x-inertia-version': '1' }
