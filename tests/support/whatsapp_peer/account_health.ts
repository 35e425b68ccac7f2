import { randomBytes } from 'node:crypto'
import { getBinaryNodeChild, S_WHATSAPP_NET, type BinaryNode } from '@whiskeysockets/baileys'
import { iqError, iqResult, unixSeconds } from './stanzas.js'

/** A reach-out time lock: WhatsApp's limit on starting new chats. */
export interface ReachoutTimelock {
  active: boolean
  /** When the restriction ends; WhatsApp Web assumes one minute from now when it is missing. */
  endsAt?: Date
  /** One of Baileys' `ReachoutTimelockEnforcementType` values. Default `DEFAULT`. */
  enforcementType?: string
}

/** Query id Baileys 7.0.0-rc14 uses to fetch the time lock (`QueryIds.REACHOUT_TIMELOCK`). */
const REACHOUT_TIMELOCK_QUERY = '23983697327930364'

function timelockPayload(lock: ReachoutTimelock) {
  return {
    is_active: lock.active,
    time_enforcement_ends: lock.endsAt ? Math.floor(lock.endsAt.getTime() / 1000).toString() : '0',
    enforcement_type: lock.enforcementType ?? 'DEFAULT',
  }
}

/** Builds the `mex` notification WhatsApp pushes when an account's time lock changes. */
export function timelockNotification(lock: ReachoutTimelock): BinaryNode {
  const data = { xwa2_notify_account_reachout_timelock: timelockPayload(lock) }
  return {
    tag: 'notification',
    attrs: {
      from: S_WHATSAPP_NET,
      type: 'mex',
      id: randomBytes(8).toString('hex'),
      t: unixSeconds(),
    },
    content: [
      {
        tag: 'update',
        attrs: { op_name: 'NotificationUserReachoutTimelockUpdate' },
        content: Buffer.from(JSON.stringify({ data })),
      },
    ],
  }
}

/** Builds the result of a `w:mex` time lock query, or undefined for another query id. */
export function timelockQueryResult(
  iq: BinaryNode,
  lock: ReachoutTimelock
): BinaryNode | undefined {
  const query = getBinaryNodeChild(iq, 'query')
  if (query?.attrs.query_id !== REACHOUT_TIMELOCK_QUERY) {
    return undefined
  }
  const data = { xwa2_fetch_account_reachout_timelock: timelockPayload(lock) }
  return iqResult(iq, [
    { tag: 'result', attrs: {}, content: Buffer.from(JSON.stringify({ data })) },
  ])
}

/** An iq error the peer returns for the next iqs of one namespace. */
export interface IqFailure {
  xmlns: string
  /** Error code, e.g. 429. */
  code: number
  /** Error text, e.g. `rate-overlimit`. */
  text: string
  /** How many iqs fail before the namespace works again. Default 1. */
  times?: number
}

/** Keeps the planned iq failures and applies them in order. */
export class IqFailures {
  #planned: (IqFailure & { times: number })[] = []

  add(failure: IqFailure) {
    this.#planned.push({ ...failure, times: failure.times ?? 1 })
  }

  /** Returns the error result for `iq` when a failure is planned for its namespace. */
  take(iq: BinaryNode): BinaryNode | undefined {
    const failure = this.#planned.find((candidate) => candidate.xmlns === iq.attrs.xmlns)
    if (!failure) {
      return undefined
    }
    failure.times -= 1
    if (failure.times <= 0) {
      this.#planned.splice(this.#planned.indexOf(failure), 1)
    }
    return iqError(iq, failure.code, failure.text)
  }
}
