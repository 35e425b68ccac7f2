import { test } from '@japa/runner'
import logger from '@adonisjs/core/services/logger'
import {
  TERMINAL_STATUSES,
  randomMessageId,
  type ChannelCredentialStore,
  type ChannelDefinition,
  type ChannelDriver,
  type ChannelDriverContext,
  type ChannelDriverEventName,
  type ChannelDriverEvents,
  type ChannelStatus,
  type PairingData,
} from '#sdk'
import {
  expectChannelError,
  missingEventMessage,
  pairingProblem,
  type ExpectedEvent,
} from './conformance_checks.js'

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

/** Options of `channelDriverContext`. */
export interface DriverContextOptions {
  /** The instance's id. @default 1 */
  instanceId?: number
  /** The id of the tenant that owns the instance. @default 1 */
  tenantId?: number
  /** The instance's configuration. @default {} */
  config?: Record<string, unknown>
}

/**
 * Builds the context `createDriver` receives, for a test that makes a
 * driver itself: credentials in memory (`memoryCredentialStore`) and the
 * application's logger, carrying the instance id and `test: true`.
 */
export function channelDriverContext(options: DriverContextOptions = {}) {
  const instanceId = options.instanceId ?? 1
  return {
    instanceId,
    tenantId: options.tenantId ?? 1,
    config: options.config ?? {},
    credentials: memoryCredentialStore(),
    logger: logger.child({ instanceId, test: true }),
  } satisfies ChannelDriverContext
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
   * emits fails the test instead of hanging it, with a message that names
   * the `expected` event and what the driver should do.
   */
  next<Event extends ChannelDriverEventName>(
    event: Event,
    match: (payload: ChannelDriverEvents[Event]) => boolean,
    timeoutMs: number,
    since: number,
    expected: ExpectedEvent
  ): Promise<ChannelDriverEvents[Event]> {
    const seen = this.events[event].slice(since).find((payload) => match(payload as never))
    if (seen) {
      return Promise.resolve(seen as ChannelDriverEvents[Event])
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(missingEventMessage(expected, timeoutMs, this.statuses))),
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

const INBOUND_FIX = 'Emit it with emitInbound when the provider reports a message.'

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
    const problem = pairingProblem(options.channel, options.pair)
    if (problem) {
      throw new Error(problem)
    }
    const since = log.events.status.length
    await withinTime(driver.connect(), timeoutMs, 'connect()')
    if (options.channel.pairing !== 'none' && options.pair) {
      const qr = await log.next(
        'status',
        (event) => event.status === 'qr' || event.status === 'open',
        timeoutMs,
        since,
        { event: `"qr" or "open" status after connect() (pairing "${options.channel.pairing}")` }
      )
      if (qr.status === 'qr') {
        await options.pair(driver, qr.pairing!)
      }
    }
    await log.next('status', (event) => event.status === 'open', timeoutMs, since, {
      event: '"open" status after connect()',
      fix: 'Emit it once the session can send.',
    })
  }

  test.group(`Channel conformance: ${options.channel.id}`, (group) => {
    group.setup(() => {
      const context = channelDriverContext({ config: options.config })
      context.logger = logger.child({ channel: options.channel.id, conformance: true })
      driver = options.channel.createDriver(context) as Driver
      log = new EventLog(driver)
      return async () => {
        if (!TERMINAL_STATUSES.includes(driver.status)) {
          await driver.disconnect()
        }
      }
    })

    test('starts closed', ({ assert }) => {
      assert.equal(driver.status, 'closed', 'status before the first connect() must be "closed"')
    })

    test('connects and reaches open', async ({ assert }) => {
      await connectToOpen()
      const statuses = log.statuses.join(' > ')
      assert.equal(driver.status, 'open', `status after "open" was emitted (${statuses})`)
      assert.equal(
        log.statuses[0],
        'connecting',
        `connect() must emit "connecting" first, at once (${statuses})`
      )
      assert.equal(log.statuses.at(-1), 'open', `the last status must be "open" (${statuses})`)
      const between = log.statuses.slice(1, -1)
      assert.isTrue(
        between.every((status) => status === 'qr' || status === 'connecting'),
        `only "qr" and "connecting" may come between "connecting" and "open" (${statuses})`
      )
      if (options.channel.pairing === 'none') {
        assert.notInclude(
          log.statuses,
          'qr',
          `a channel with pairing "none" must never emit "qr" (${statuses})`
        )
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
      assert.isString(result.providerMessageId, 'send() must resolve with a providerMessageId')
      assert.isAbove(
        result.providerMessageId.length,
        0,
        'send() must resolve with a non-empty providerMessageId'
      )
      assert.instanceOf(result.sentAt, Date, 'send() must resolve with sentAt, a Date')

      if (options.channel.capabilities.deliveryReceipts) {
        const receipt = await log.next(
          'receipt',
          (event) =>
            event.providerMessageId === result.providerMessageId && event.status === 'delivered',
          timeoutMs,
          0,
          {
            event: `"delivered" receipt for ${result.providerMessageId}, the id send() resolved with`,
            fix: 'Emit it with emitReceipt, or set capabilities.deliveryReceipts to false.',
          }
        )
        assert.instanceOf(receipt.at, Date, 'a receipt must carry "at", a Date')
      }
      for (const receipt of log.events.receipt) {
        assert.oneOf(
          receipt.status,
          ['sent', 'delivered', 'read', 'failed'],
          `receipt of ${receipt.providerMessageId} has an unknown status`
        )
      }
    })

    test('inbound message is reported once', async ({ assert }) => {
      const since = log.events.inbound.length
      await options.simulateInbound(driver, { from: sender, text: 'first reply' })
      const first = await log.next(
        'inbound',
        (event) => event.text === 'first reply',
        timeoutMs,
        since,
        { event: 'inbound message "first reply" after simulateInbound', fix: INBOUND_FIX }
      )
      assert.equal(first.from, sender, 'an inbound message must carry the sender address in "from"')
      assert.isString(first.providerMessageId, 'an inbound message must carry a providerMessageId')
      assert.instanceOf(first.receivedAt, Date, 'an inbound message must carry receivedAt, a Date')

      // A second message marks the end of anything the first could still cause.
      await options.simulateInbound(driver, { from: sender, text: 'second reply' })
      await log.next('inbound', (event) => event.text === 'second reply', timeoutMs, since, {
        event: 'inbound message "second reply" after simulateInbound',
        fix: INBOUND_FIX,
      })
      const copies = log.events.inbound.filter(
        (event) => event.providerMessageId === first.providerMessageId
      )
      assert.lengthOf(
        copies,
        1,
        `inbound message ${first.providerMessageId} must be reported once, not ${copies.length} times`
      )
    })

    if (options.unknownRecipient) {
      test('unknown recipient raises a typed error', async () => {
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
        expectChannelError(error, {
          call: `send() to the unknown recipient ${options.unknownRecipient}`,
          codes: ['E_NOT_ON_WHATSAPP', 'E_RECIPIENT_INVALID'],
          retryable: false,
          fix: "Map the provider's no-account error to NotOnWhatsAppError, or raise InvalidRecipientError for an address the provider cannot take.",
        })
      })
    }

    if (options.dropConnection) {
      test('reconnects after a dropped connection', async ({ assert }) => {
        const since = log.events.status.length
        await options.dropConnection!(driver)
        await log.next('status', (event) => event.status === 'reconnecting', timeoutMs, since, {
          event: '"reconnecting" status after dropConnection',
          fix: 'Report a dropped connection as "reconnecting" and retry on its own.',
        })
        await log.next('status', (event) => event.status === 'open', timeoutMs, since, {
          event: '"open" status after "reconnecting"',
          fix: 'Open the session again on its own, with a growing delay between attempts.',
        })
        assert.equal(driver.status, 'open', 'status after the reconnect')
      })
    }

    test('disconnect ends in closed', async ({ assert }) => {
      await withinTime(driver.disconnect(), timeoutMs, 'disconnect()')
      assert.equal(driver.status, 'closed', 'status once disconnect() resolved')
      assert.equal(
        log.statuses.at(-1),
        'closed',
        'disconnect() must emit "closed" before it resolves'
      )
    })

    test('send while disconnected fails fast', async () => {
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
      expectChannelError(error, {
        call: `send() while the status is "${driver.status}"`,
        codes: ['E_INSTANCE_NOT_CONNECTED'],
        fix: 'Raise InstanceNotConnectedError at the start of send() when the status is not "open", before calling the provider, so the outbound queue retries once the session is back.',
      })
    })

    test('connects again after disconnect', async ({ assert }) => {
      await connectToOpen()
      assert.equal(driver.status, 'open', 'status after connect() following disconnect()')
    })
  })
}
