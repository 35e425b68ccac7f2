/**
 * Imports a generated CSV of 100,000 contacts (ROWS to change it) through the
 * real import job on BullMQ against the configured database, and prints rows
 * per second and the peak resident memory of the process (the kernel's
 * `VmHWM`), which runs the job's worker.
 *
 *   DB_CONNECTION=mysql DB_DATABASE=disparador_bench \
 *     node --max-semi-space-size=16 --heap-growing-percent=35 \
 *     --import @poppinss/ts-exec bench/contact_import.ts
 *
 * The two V8 flags are the ones `compose.yaml` starts the worker role with;
 * without them the figures are those of a plain `node ace worker`.
 *
 * Run `node ace migration:run` on that database first. The benchmark creates
 * a tenant of its own and leaves its contacts behind for inspection.
 */
import 'reflect-metadata'
import { createWriteStream } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ignitor } from '@adonisjs/core'

const ROWS = Number(process.env.ROWS ?? 100_000)
const APP_ROOT = new URL('../', import.meta.url)

/**
 * Writes the generated CSV to `file` a thousand lines at a time, so the
 * script holds none of it while the import runs.
 */
async function generateCsv(file: string, rows: number) {
  const out = createWriteStream(file)
  out.write('nome;celular;email;cidade;etiquetas')
  for (let start = 0; start < rows; start += 1000) {
    let lines = ''
    for (let index = start; index < Math.min(rows, start + 1000); index++) {
      const digits = String(index).padStart(7, '0')
      lines += `\r\nPessoa ${index};(11) 99${digits.slice(0, 3)}-${digits.slice(3)};p${index}@example.com;Cidade ${index % 100};lote,bench`
    }
    if (!out.write(lines)) {
      await once(out, 'drain')
    }
  }
  out.end()
  await once(out, 'finish')
}

/** Reads the peak resident memory of this process since it started, in bytes. */
async function peakResidentMemory() {
  const status = await readFile('/proc/self/status', 'utf8')
  const kilobytes = status.match(/^VmHWM:\s+(\d+) kB$/m)?.[1]
  return kilobytes === undefined ? Number.NaN : Number(kilobytes) * 1024
}

async function main() {
  // The file is written before the application boots, so the strings it
  // took are collected with the boot's garbage and not counted as the import's.
  const dir = await mkdtemp(join(tmpdir(), 'disparador-bench-'))
  const file = join(dir, 'contacts.csv')
  await generateCsv(file, ROWS)

  const ignitor = new Ignitor(APP_ROOT, {
    importer: (filePath) =>
      filePath.startsWith('./') || filePath.startsWith('../')
        ? import(new URL(filePath, APP_ROOT).href)
        : import(filePath),
  })
  const app = ignitor.createApp('console')
  await app.init()
  await app.boot()
  await app.start(async () => {})
  const bootRss = process.memoryUsage().rss

  const { signUp } = await import('#services/account_service')
  const { runInTenant } = await import('#tenancy/tenant_context')
  const { createWorker, closeQueues } = await import('#queues/queue_factory')
  const { closeRedisConnections } = await import('#queues/redis_connection')
  const { findJob } = await import('#queues/job_registry')
  const { default: ContactImport } = await import('#models/contact_import')
  const { default: drive } = await import('@adonisjs/drive/services/main')
  const { IMPORT_JOB, IMPORT_QUEUE, startImport, previewImport } =
    await import('#services/imports/import_service')
  await import('#start/jobs')

  const stamp = Date.now()
  const { tenant, user } = await signUp({
    fullName: 'Bench',
    email: `bench${stamp}@example.com`,
    password: 'correct horse battery',
    tenantName: `Bench ${stamp}`,
  })

  const { size } = await stat(file)
  const key = `imports/${tenant.id}/bench-${stamp}.csv`
  await drive.use().copyFromFs(file, key)

  const definition = findJob(IMPORT_QUEUE, IMPORT_JOB)!
  const worker = createWorker(IMPORT_QUEUE, (job) => definition.handle(job), { concurrency: 1 })
  worker.on('error', (error) => console.error('worker error', error))

  const startRss = process.memoryUsage().rss
  let peakHeap = process.memoryUsage().heapUsed
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)
  }, 50)
  const cpuBefore = process.cpuUsage()

  const started = performance.now()
  const contactImport = await runInTenant(tenant.id, async () => {
    const created = await ContactImport.create({
      userId: user.id,
      fileName: 'bench.csv',
      fileKey: key,
      fileSize: size,
      encoding: 'utf-8',
      delimiter: ';',
      status: 'uploaded',
      mapping: [],
      options: { duplicates: 'skip', tags: [], listIds: [] },
    })
    const preview = await previewImport(created)
    await startImport(created, preview.headers, preview.mapping, {
      duplicates: 'skip',
      tags: [],
      listIds: [],
    })
    return created
  })

  let finished = contactImport
  while (!finished.isDone) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    finished = await runInTenant(tenant.id, () => ContactImport.findOrFail(contactImport.id))
  }
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  clearInterval(sampler)
  const peakRss = await peakResidentMemory()

  console.log(
    `rows: ${finished.processedRows}, created: ${finished.createdCount}, status: ${finished.status}`
  )
  console.log(
    `time: ${seconds.toFixed(2)} s, ${Math.round(finished.processedRows / seconds)} rows/s`
  )
  const mb = (bytes: number) => Math.round(bytes / 1048576)
  console.log(
    `peak RSS: ${mb(peakRss)} MB (${mb(startRss)} MB before the import), peak heap used: ${mb(peakHeap)} MB`
  )
  console.log(`RSS after boot: ${mb(bootRss)} MB`)
  console.log(`node flags: ${process.execArgv.join(' ') || 'none'}`)
  console.log(`CPU time of this process: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`)

  await worker.close()
  await closeQueues()
  await closeRedisConnections()
  await rm(dir, { recursive: true, force: true })
  await app.terminate()
}

await main()
