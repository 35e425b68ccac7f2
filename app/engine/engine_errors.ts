import type { DateTime } from 'luxon'

/**
 * An error that records no stack trace. The engine raises the signals below
 * once per step to stop it, so the trace would cost time and carry no information.
 */
class EngineSignal extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(message)
    Error.stackTraceLimit = limit
  }
}

/**
 * Raised inside `requestSend` when the send is enqueued and its outcome is
 * not known yet. The step stops there; the journey resumes when the send
 * finishes, and the executor runs again and gets the outcome.
 */
export class SendPendingSignal extends EngineSignal {
  constructor(readonly messageId: number) {
    super(`Send of message ${messageId} is pending`)
  }
}

/**
 * Raised inside `requestSend` when the campaign's quiet-hours policy
 * forbids sending now. The journey waits until `until` and runs the node
 * again.
 */
export class SendDeferredSignal extends EngineSignal {
  constructor(readonly until: DateTime) {
    super(`Send deferred until ${until.toISO()} by the quiet-hours policy`)
  }
}

/**
 * Raised when a job arrives before the journey reached its step, because
 * the job of the previous step has not committed yet. BullMQ retries it.
 */
export class StepNotReadyError extends Error {
  code = 'E_JOURNEY_STEP_NOT_READY'
}
