import { setTimeout as sleep } from 'node:timers/promises'
import type { Worker } from 'bullmq'
import logger from '@adonisjs/core/services/logger'
import type { ApiClient } from '@japa/api-client'
import drive from '@adonisjs/drive/services/main'
import db from '@adonisjs/lucid/services/db'
import ContactImport from '#models/contact_import'
import type User from '#models/user'
import type { ReportEntry } from '#services/imports/contact_import_runner'
import { createWorker } from '#queues/queue_factory'
import { findJob } from '#queues/job_registry'
import { IMPORT_JOB, IMPORT_QUEUE } from '#services/imports/import_service'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'

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

/**
 * Uploads a file and opens its mapping page. Returns the import's id and the
 * page's props.
 */
export async function uploadThroughPage(client: ApiClient, owner: User, file: string) {
  const upload = await client
    .post('/contacts/imports')
    .file('file', file)
    .loginAs(owner)
    .withCsrfToken()
    .redirects(0)
  upload.assertStatus(302)
  const importId = Number(upload.header('location')!.split('/').pop())

  const page = await client
    .get(`/contacts/imports/${importId}`)
    .headers(INERTIA_HEADERS)
    .loginAs(owner)
  page.assertStatus(200)
  return { importId, props: page.body().props }
}

/**
 * Uploads a file, takes the guessed mapping from the mapping page, starts the
 * import and waits for the job. Returns the finished import, its report
 * rows and the mapping page's props.
 */
export async function importThroughPages(
  client: ApiClient,
  owner: User,
  tenantId: number,
  file: string,
  options: {
    duplicates?: 'skip' | 'update'
    tags?: string
    listIds?: number[]
    mapping?: (guess: string[]) => string[]
  } = {}
) {
  const { importId, props } = await uploadThroughPage(client, owner, file)
  const mapping = options.mapping ? options.mapping(props.mapping) : props.mapping

  const start = await client
    .post(`/contacts/imports/${importId}/start`)
    .json({
      mapping,
      duplicates: options.duplicates ?? 'skip',
      tags: options.tags ?? '',
      listIds: options.listIds ?? [],
    })
    .loginAs(owner)
    .withCsrfToken()
    .redirects(0)
  start.assertStatus(302)

  const finished = await waitForImport(tenantId, importId)
  const report = await client.get(`/contacts/imports/${importId}/report.csv`).loginAs(owner)
  report.assertStatus(200)
  const entries = await reportEntries(finished)
  return { finished, entries, props, reportCsv: report.text() }
}

async function reportEntries(contactImport: ContactImport) {
  const text = await drive.use().get(contactImport.reportKey!)
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ReportEntry)
}

/**
 * Signs up a tenant with its owner and reloads the tenant, so columns that
 * the database fills by default (country, time zone) are set on the model.
 */
export async function createAudienceTenant() {
  const account = await createTenantWithOwner()
  await account.tenant.refresh()
  return account
}

/** A message of a contact's history, as `storeMessages` writes it. */
export interface StoredMessage {
  contactId: number
  instanceId: number
  direction: 'in' | 'out'
  campaignId?: number
  at: string
  /** Whether the channel accepted an outbound message; a failed send has no `sent_at`. */
  sent?: boolean
}

let sequence = 0

/**
 * Stores messages of contacts' histories as rows, in the given order, so
 * their ids follow it, for queries that read the history.
 */
export async function storeMessages(tenantId: number, messages: StoredMessage[]) {
  for (const message of messages) {
    sequence += 1
    const at = new Date(message.at)
    const failed = message.sent === false
    let status = 'sent'
    if (message.direction === 'in') {
      status = 'received'
    } else if (failed) {
      status = 'failed'
    }
    await db.table('messages').insert({
      tenant_id: tenantId,
      direction: message.direction,
      instance_id: message.instanceId,
      contact_id: message.contactId,
      campaign_id: message.campaignId ?? null,
      provider_message_id: `history-${sequence}`,
      address: '+5511990000000',
      body: 'Oi',
      status,
      sent_at: message.direction === 'out' && !failed ? at : null,
      failed_at: failed ? at : null,
      received_at: message.direction === 'in' ? at : null,
      created_at: at,
    })
  }
}

/** A contact as `insertContacts` stores it. */
export interface ContactRow {
  name: string | null
  phone: string
  consent?: 'opted_in' | 'opted_out' | 'unknown'
}

function contactRecord(tenantId: number, contact: ContactRow) {
  return {
    tenant_id: tenantId,
    name: contact.name,
    phone: contact.phone,
    timezone: 'America/Sao_Paulo',
    consent: contact.consent ?? 'opted_in',
    created_at: '2026-12-01 10:00:00',
  }
}

/**
 * Inserts `count` contacts named "Cliente 0001" onwards, with phones
 * +551198000xxxx, and then `extra`, as rows of the tenant through the
 * connection `connection` (the default one unless given), 200 per statement.
 * Returns the ids of `extra` in order.
 */
export async function insertContacts(
  tenantId: number,
  count: number,
  extra: ContactRow[] = [],
  connection?: string
) {
  const client = db.connection(connection)
  const numbered = Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(4, '0')
    return contactRecord(tenantId, { name: `Cliente ${number}`, phone: `+551198000${number}` })
  })
  for (let start = 0; start < numbered.length; start += 200) {
    await client.table('contacts').insert(numbered.slice(start, start + 200))
  }
  const ids: number[] = []
  for (const contact of extra) {
    const [id] = await client.table('contacts').insert(contactRecord(tenantId, contact))
    ids.push(Number(id))
  }
  return ids
}
