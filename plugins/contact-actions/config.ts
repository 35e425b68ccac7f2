/** Settings of the contact actions plugin for the whole install. */
export interface ContactActionsConfig {
  /**
   * Whether HTTP request steps may call loopback, private, link-local,
   * unspecified and cloud metadata addresses. Off, such targets are
   * rejected right before every request, after DNS resolution. It follows
   * WEBHOOKS_ALLOW_PRIVATE_TARGETS, the install's one switch for requests
   * to tenant-entered URLs.
   *
   * @default false
   */
  allowPrivateTargets: boolean
}

function parseBoolean(value: string | undefined) {
  return ['true', '1'].includes((value ?? '').trim().toLowerCase())
}

/**
 * The install's values. The object is shared, so a test can switch
 * `allowPrivateTargets` for a case and restore it.
 */
export const contactActionsConfig: ContactActionsConfig = {
  allowPrivateTargets: parseBoolean(process.env.WEBHOOKS_ALLOW_PRIVATE_TARGETS),
}
