/**
 * Settings of the webhooks plugin for the whole install. Tenants choose
 * their endpoints; these bound what any endpoint may do.
 */
export interface WebhooksConfig {
  /**
   * Whether endpoints may target loopback, private, link-local, unspecified
   * and cloud metadata addresses. Off, such targets are rejected when saved
   * and again right before every request, after DNS resolution. From
   * WEBHOOKS_ALLOW_PRIVATE_TARGETS.
   *
   * @default false
   */
  allowPrivateTargets: boolean

  /**
   * Attempts of one delivery, the first included, before it counts as
   * failed.
   *
   * @default 6
   */
  maxAttempts: number

  /**
   * Delay before the first retry, in milliseconds. Each further retry waits
   * twice as long as the one before (BullMQ's exponential backoff), so
   * with the defaults the retries come after 30 s, 1, 2, 4 and 8 minutes.
   *
   * @default 30000
   */
  backoffMs: number

  /**
   * Time an endpoint has to respond to one request, connection included, in
   * milliseconds. A slower endpoint counts as a failed attempt.
   *
   * @default 10000
   */
  timeoutMs: number

  /**
   * Deliveries in a row that failed every attempt after which the endpoint
   * is switched off and the tenant's owners and admins are notified by mail.
   *
   * @default 5
   */
  disableAfterFailedDeliveries: number

  /**
   * Bytes of each response body kept in the delivery log.
   *
   * @default 1024
   */
  responseSnippetBytes: number
}

function parseBoolean(value: string | undefined) {
  return ['true', '1'].includes((value ?? '').trim().toLowerCase())
}

/**
 * The install's values. The object is shared, so a test can switch
 * `allowPrivateTargets` for a case and restore it.
 */
export const webhooksConfig: WebhooksConfig = {
  allowPrivateTargets: parseBoolean(process.env.WEBHOOKS_ALLOW_PRIVATE_TARGETS),
  maxAttempts: 6,
  backoffMs: 30_000,
  timeoutMs: 10_000,
  disableAfterFailedDeliveries: 5,
  responseSnippetBytes: 1024,
}
