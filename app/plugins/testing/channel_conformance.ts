import { test } from '@japa/runner'
import logger from '@adonisjs/core/services/logger'
import {
  ChannelError,
  TERMINAL_STATUSES,
  randomMessageId,
  type ChannelCredentialStore,
  type ChannelDefinition,
  type ChannelDriver,
  type ChannelDriverEventName,
  type ChannelDriverEvents,
  type ChannelStatus,
  type PairingData,
} from '#sdk'

export interface ChannelConformanceOptions<Driver extends ChannelDriver = ChannelDriver> {
  /** The channel under test, as the plugin contributes it. */
  channel: ChannelDefinition<any>
  /** Instance configuration handed to `createDriver`. @default {} */
  config?: Record<string, unknown>
  /**
   * Completes the pairing step once the driver emitted `qr`, as a user
   * scanning the code would. Required unless the channel's pairing is `none`.
   */
  pair?: (driver: Driver, pairing: PairingData) => Promise<void>
  /** An address the provider delivers to. */
  recipient: string
  /** Makes the provider deliver a message from `from` to the instance. */
  simulateInbound: (driver: Driver, message: { from: string; text: string }) => Promise<void>
  /** Sender address used for inbound messages. @default '+5511999990001' */
  sender?: string
  /** An address with no account at the provider, for the `E_NOT_ON_WHATSAPP` check. @default undefined (check skipped) */
  unknownRecipient?: string
  /** Breaks the connection without `disconnect`, for the reconnect check. @default undefined (check skipped) */
  dropConnection?: (driver: Driver) => Promise<void>
  /** Longest wait for one expected event, in milliseconds. @default 10000 */
  timeoutMs?: number
}

/** Credentials kept in memory, for drivers under test. */
export function memoryCredentialStore(): ChannelCredentialStore & {
  value: Record<string, unknown> | null
} {
  return {
    value: null,
    async read() {
      return this.value
    },
    async write(credentials) {
      this.value = credentials
    },
    async clear() {
      this.value = null
    },
  }
}

/** Records every event of a driver, and waits for the next one that matches. */
class EventLog {
  statuses: ChannelStatus[] = []
  events: { [Event in ChannelDriverEventName]: ChannelDriverEvents[Event][] } = {
    status: [],
    receipt: [],
    inbound: [],
    health: [],
  }
  #waiters: {
    event: ChannelDriverEventName
    match: (payload: any) => boolean
    resolve: (payload: any) => void
  }[] = []

  constructor(driver: ChannelDriver) {
    for (const event of ['status', 'receipt', 'inbound', 'health'] as const) {
      driver.on(event, (payload: any) => {
        this.events[event].push(payload)
        if (event === 'status') {
          this.statuses.push(payload.status)
        }
        for (const waiter of this.#waiters.filter((w) => w.event === event && w.match(payload))) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
          waiter.resolve(payload)
        }
      })
    }
  }

  /**
   * Resolves with the first event, already recorded from `since` on or still
   * to come, that matches. Rejects after `timeoutMs` so a driver that never
   * emits fails the test instead of hanging it.
   */
  next<Event extends ChannelDriverEventName>(
    event: Event,
    match: (payload: ChannelDriverEvents[Event]) => boolean,
    timeoutMs: number,
    since = 0
  ): Promise<ChannelDriverEvents[Event]> {
    const seen = this.events[event].slice(since).find((payload) => match(payload as never))
    if (seen) {
      return Promise.resolve(seen as ChannelDriverEvents[Event])
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `No matching "${event}" event within ${timeoutMs} ms (statuses so far: ${this.statuses.join(' > ')})`
            )
          ),
        timeoutMs
      )
      this.#waiters.push({
        event,
        match: match as never,
        resolve: (payload) => (clearTimeout(timer), resolve(payload)),
      })
    })
  }
}

async function withinTime<T>(promise: Promise<T>, timeoutMs: number, what: string) {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not settle within ${timeoutMs} ms`)),
      timeoutMs
    )
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Defines a Japa test group that checks a channel driver against the
 * contract: pairing and `open`, the order of statuses, sends and their
 * provider ids, delivery receipts, inbound messages reported once,
 * disconnect and reconnect, and typed errors instead of hangs. Call it at
 * the top level of a channel plugin's test file.
 *
 * @example
 * channelConformance({ channel: sandboxChannel, recipient: '+5511988887777', ... })
 */
export function channelConformance<Driver extends ChannelDriver = ChannelDriver>(
  options: ChannelConformanceOptions<Driver>
) {
  const timeoutMs = options.timeoutMs ?? 10_000
  const sender = options.sender ?? '+5511999990001'
  const newId = options.channel.createMessageId ?? randomMessageId
  let driver: Driver
  let log: EventLog

  async function connectToOpen() {
    const since = log.events.status.length
    await withinTime(driver.connect(), timeoutMs, 'connect()')
    if (options.channel.pairing !== 'none' && options.pair) {
      const qr = await log.next(
        'status',
        (event) => event.status === 'qr' || event.status === 'open',
        timeoutMs,
        since
      )
      if (qr.status === 'qr') {
        await options.pair(driver, qr.pairing!)
      }
    }
    await log.next('status', (event) => event.status === 'open', timeoutMs, since)
  }

  test.group(`Channel conformance: ${options.channel.id}`, (group) => {
    group.setup(() => {
      driver = options.channel.createDriver({
        instanceId: 1,
        tenantId: 1,
        config: options.config ?? {},
        credentials: memoryCredentialStore(),
        logger: logger.child({ channel: options.channel.id, conformance: true }),
      }) as Driver
      log = new EventLog(driver)
      return async () => {
        if (!TERMINAL_STATUSES.includes(driver.status)) {
          await driver.disconnect()
        }
      }
    })

    test('starts closed', ({ assert }) => {
      assert.equal(driver.status, 'closed')
    })

    test('connects and reaches open', async ({ assert }) => {
      await connectToOpen()
      assert.equal(driver.status, 'open')
      assert.equal(log.statuses[0], 'connecting')
      assert.equal(log.statuses.at(-1), 'open')
      const between = log.statuses.slice(1, -1)
      assert.isTrue(
        between.every((status) => status === 'qr' || status === 'connecting'),
        log.statuses.join(' > ')
      )
      if (options.channel.pairing === 'none') {
        assert.notInclude(log.statuses, 'qr')
      }
      for (const event of log.events.status.filter((entry) => entry.status === 'qr')) {
        assert.exists(event.pairing, 'qr status without pairing data')
      }
    })

    test('send returns a provider id', async ({ assert }) => {
      const id = newId()
      const result = await withinTime(
        driver.send({
          providerMessageId: id,
          to: options.recipient,
          text: 'conformance',
          media: null,
        }),
        timeoutMs,
        'send()'
      )
      assert.isString(result.providerMessageId)
      assert.isAbove(result.providerMessageId.length, 0)
      assert.instanceOf(result.sentAt, Date)

      if (options.channel.capabilities.deliveryReceipts) {
        const receipt = await log.next(
          'receipt',
          (event) =>
            event.providerMessageId === result.providerMessageId && event.status === 'delivered',
          timeoutMs
        )
        assert.instanceOf(receipt.at, Date)
      }
      for (const receipt of log.events.receipt) {
        assert.oneOf(receipt.status, ['sent', 'delivered', 'read', 'failed'])
      }
    })

    test('inbound message is reported once', async ({ assert }) => {
      const since = log.events.inbound.length
      await options.simulateInbound(driver, { from: sender, text: 'first reply' })
      const first = await log.next(
        'inbound',
        (event) => event.text === 'first reply',
        timeoutMs,
        since
      )
      assert.equal(first.from, sender)
      assert.isString(first.providerMessageId)
      assert.instanceOf(first.receivedAt, Date)

      // A second message marks the end of anything the first could still cause.
      await options.simulateInbound(driver, { from: sender, text: 'second reply' })
      await log.next('inbound', (event) => event.text === 'second reply', timeoutMs, since)
      const copies = log.events.inbound.filter(
        (event) => event.providerMessageId === first.providerMessageId
      )
      assert.lengthOf(copies, 1)
    })

    if (options.unknownRecipient) {
      test('unknown recipient raises a typed error', async ({ assert }) => {
        const send = driver.send({
          providerMessageId: newId(),
          to: options.unknownRecipient!,
          text: 'x',
          media: null,
        })
        const error = await withinTime(
          send.then(
            () => null,
            (reason) => reason
          ),
          timeoutMs,
          'send()'
        )
        assert.instanceOf(error, ChannelError)
        assert.oneOf((error as ChannelError).code, ['E_NOT_ON_WHATSAPP', 'E_RECIPIENT_INVALID'])
        assert.isFalse((error as ChannelError).retryable)
      })
    }

    if (options.dropConnection) {
      test('reconnects after a dropped connection', async ({ assert }) => {
        const since = log.events.status.length
        await options.dropConnection!(driver)
        await log.next('status', (event) => event.status === 'reconnecting', timeoutMs, since)
        await log.next('status', (event) => event.status === 'open', timeoutMs, since)
        assert.equal(driver.status, 'open')
      })
    }

    test('disconnect ends in closed', async ({ assert }) => {
      await withinTime(driver.disconnect(), timeoutMs, 'disconnect()')
      assert.equal(driver.status, 'closed')
      assert.equal(log.statuses.at(-1), 'closed')
    })

    test('send while disconnected fails fast', async ({ assert }) => {
      const send = driver.send({
        providerMessageId: newId(),
        to: options.recipient,
        text: 'x',
        media: null,
      })
      const error = await withinTime(
        send.then(
          () => null,
          (reason) => reason
        ),
        timeoutMs,
        'send() while closed'
      )
      assert.instanceOf(error, ChannelError)
      assert.equal((error as ChannelError).code, 'E_INSTANCE_NOT_CONNECTED')
    })

    test('connects again after disconnect', async ({ assert }) => {
      await connectToOpen()
      assert.equal(driver.status, 'open')
    })
  })
}
