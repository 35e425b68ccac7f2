import { randomUUID } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import logger from '@adonisjs/core/services/logger'
import { startDeliveryWorker } from '../../plugins/webhooks/services/delivery_queue.js'
import { processDelivery } from '../../plugins/webhooks/services/delivery_runner.js'
import WebhookEndpoint from '../../plugins/webhooks/models/webhook_endpoint.js'
import WebhookDelivery from '../../plugins/webhooks/models/webhook_delivery.js'

export interface ReceivedRequest {
  headers: IncomingHttpHeaders
  /** The raw bytes of the request body, as they arrived. */
  body: Buffer
}

export interface Receiver {
  url: string
  port: number
  requests: ReceivedRequest[]
  close(): Promise<void>
}

/**
 * Starts an HTTP server on 127.0.0.1 that records every request and responds
 * with the next status of `statuses`, repeating the last one, `delayMs`
 * after the request arrived.
 */
export async function startReceiver(
  statuses: number[] = [200],
  options: { delayMs?: number } = {}
): Promise<Receiver> {
  const requests: ReceivedRequest[] = []
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      requests.push({ headers: request.headers, body: Buffer.concat(chunks) })
      const status = statuses[Math.min(requests.length - 1, statuses.length - 1)]
      const count = requests.length
      setTimeout(() => {
        response.writeHead(status, { 'Content-Type': 'text/plain' })
        response.end(`answer ${count}: ${status}`)
      }, options.delayMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** Starts a delivery worker in this process, as the worker role does. Returns its closer. */
export async function startWebhookWorker() {
  const worker = startDeliveryWorker(processDelivery, logger)
  await worker.waitUntilReady()
  return () => worker.close()
}

/** Waits until `check` returns true, checking every 25 ms for at most `limitMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 20_000
) {
  const deadline = Date.now() + limitMs
  while (Date.now() < deadline) {
    if (await check()) {
      return
    }
    await sleep(25)
  }
  throw new Error(`Timed out after ${limitMs} ms waiting for ${what}`)
}

/** Stores an endpoint for `message:delivered` directly, without the URL check of the form. */
export async function createEndpoint(tenantId: number, url: string, secret = 's3cr3t') {
  const endpoint = new WebhookEndpoint().merge({
    tenantId,
    url,
    description: null,
    events: ['message:delivered'],
    enabled: true,
    failedDeliveriesInRow: 0,
  })
  endpoint.storeSecret(secret)
  return endpoint.save()
}

/** Stores a pending delivery of `body` to the endpoint, as the event subscriber does. */
export function createDelivery(endpoint: WebhookEndpoint, body: string) {
  return WebhookDelivery.create({
    id: randomUUID(),
    tenantId: endpoint.tenantId,
    endpointId: endpoint.id,
    event: 'message:delivered',
    body,
    status: 'pending',
    attempts: 0,
    completedAt: null,
  })
}
