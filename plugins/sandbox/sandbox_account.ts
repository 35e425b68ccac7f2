/**
 * The simulated WhatsApp account a sandbox instance pairs as: a number in
 * the +999 country code, which E.164 keeps reserved, so it is never a real
 * phone.
 */
export function sandboxAccount(instanceId: number) {
  return {
    address: `+999${String(instanceId).padStart(8, '0')}`,
    name: `Sandbox ${instanceId}`,
  }
}
