import logger from '@adonisjs/core/services/logger'
import transmit from '@adonisjs/transmit/services/main'
import ContactImport from '#models/contact_import'
import { defineJob } from '#queues/job_registry'
import { runInTenant } from '#tenancy/tenant_context'
import { runContactImport, type ImportProgress } from '#services/imports/contact_import_runner'
import {
  IMPORT_JOB,
  IMPORT_QUEUE,
  emitImportFinished,
  failImport,
  importChannel,
} from '#services/imports/import_service'

interface ContactImportData {
  tenantId: number
  importId: number
}

/**
 * Runs one mapped CSV import and broadcasts its progress, a few times a
 * second and once at the end, on `tenants/<tenantId>/imports/<importId>`. A
 * second attempt would report the rows of the first as duplicates, so the job
 * runs once and a failure marks the import failed.
 */
export default defineJob<ContactImportData>({
  queue: IMPORT_QUEUE,
  name: IMPORT_JOB,
  concurrency: 2,
  defaults: { attempts: 1 },
  async handle(job) {
    const { tenantId, importId } = job.data
    const log = logger.child({ tenantId, importId, jobId: job.id })
    return runInTenant(tenantId, async () => {
      const contactImport = await ContactImport.findOrFail(importId)
      const channel = importChannel(tenantId, importId)
      const publish = async (progress: ImportProgress) => {
        transmit.broadcast(channel, { ...progress })
        await job.updateProgress({ ...progress })
      }

      log.info('contact import started')
      try {
        const counts = await runContactImport(contactImport, publish)
        await emitImportFinished(contactImport)
        log.info({ ...counts }, 'contact import finished')
        return counts
      } catch (error) {
        log.error({ err: error }, 'contact import failed')
        await failImport(contactImport, error)
        transmit.broadcast(channel, { importId, status: 'failed' })
        throw error
      }
    })
  },
})
