import { ChannelError, type ChannelDefinition } from '#sdk'

/** Describes how a call settled, for a conformance failure message. */
export function describeOutcome(outcome: unknown) {
  if (outcome === null) {
    return 'it resolved'
  }
  if (outcome instanceof ChannelError) {
    return `it rejected with ${outcome.name} (code "${outcome.code}"): ${outcome.message}`
  }
  if (outcome instanceof Error) {
    const code = (outcome as { code?: unknown }).code
    const suffix = code === undefined ? '' : ` (code "${String(code)}")`
    return `it rejected with ${outcome.name}${suffix}: ${outcome.message}`
  }
  return `it rejected with ${String(outcome)}`
}

/** The rule a conformance check enforces on a call that must reject. */
export interface ChannelErrorRule {
  /** The call, such as `send() while the status is "closed"`. */
  call: string
  /** Codes the rejection may carry. */
  codes: string[]
  /** Whether the error must be retryable. @default undefined (not checked) */
  retryable?: boolean
  /** The change the driver needs, as a sentence. */
  fix: string
}

/**
 * Throws an error that names the rule and the fix unless `outcome` (the
 * rejection reason, or `null` when the call resolved) is a `ChannelError`
 * with one of the rule's codes and the expected `retryable`.
 */
export function expectChannelError(outcome: unknown, rule: ChannelErrorRule) {
  const expected = rule.codes.join(' or ')
  if (!(outcome instanceof ChannelError) || !rule.codes.includes(outcome.code ?? '')) {
    throw new Error(
      `${rule.call} must reject with a ChannelError of code ${expected}, but ${describeOutcome(outcome)}. ${rule.fix}`
    )
  }
  if (rule.retryable !== undefined && outcome.retryable !== rule.retryable) {
    const expectedKind = rule.retryable ? 'retryable' : 'not retryable'
    throw new Error(
      `${rule.call} rejected with ${outcome.code}, which must be ${expectedKind}: raise the SDK's class for ${outcome.code}, or set retryable to ${rule.retryable} on the ChannelError`
    )
  }
}

/**
 * Returns why the kit cannot pair the channel, or `null` when it can: a
 * channel that pairs with a QR code or a typed code needs the `pair` option.
 */
export function pairingProblem(channel: Pick<ChannelDefinition, 'id' | 'pairing'>, pair: unknown) {
  if (channel.pairing === 'none' || pair) {
    return null
  }
  return `Channel "${channel.id}" declares pairing "${channel.pairing}", so channelConformance needs a "pair" option that completes the pairing as a user would. Pass one, or declare pairing: 'none' when the provider has no pairing step.`
}

/** An event a conformance check waits for, and what the driver should do to emit it. */
export interface ExpectedEvent {
  /** The event, such as `"open" status after connect()`. */
  event: string
  /** The change the driver needs, as a sentence. @default undefined */
  fix?: string
}

/** Words the failure of a wait for an event that timed out, with the statuses seen so far. */
export function missingEventMessage(
  expected: ExpectedEvent,
  timeoutMs: number,
  statuses: string[]
) {
  const seen = statuses.length > 0 ? statuses.join(' > ') : 'none'
  const message = `No ${expected.event} within ${timeoutMs} ms (statuses so far: ${seen}).`
  return expected.fix ? `${message} ${expected.fix}` : message
}
