import type { WhatsAppSocket } from './baileys_adapter.js'
import { loadBaileys } from './baileys_loader.js'
import type { LidContacts } from './lid_contacts.js'
import { NotInstanceOwnerError } from './instance_owner.js'

/**
 * Stores a mapping unless this process lost the instance. The address is
 * known either way, and the next owner stores the mapping when it meets it.
 */
async function rememberIfOwner(lids: LidContacts, lid: string, phone: string) {
  try {
    await lids.remember(lid, phone)
  } catch (error) {
    if (!(error instanceof NotInstanceOwnerError)) {
      throw error
    }
  }
}

/**
 * The sender's address of an inbound message: E.164 when the phone is
 * known (from the chat JID, `remoteJidAlt`, the stored mapping or Baileys'
 * LID mapping), else the `…@lid` address. `aliases` holds the privacy
 * address when the phone is known. A newly learned LID-to-phone pair is
 * stored while this process owns the instance.
 */
export async function senderAddress(
  remoteJid: string,
  alternative: string | null,
  sources: { lids: LidContacts; socket: WhatsAppSocket | null }
) {
  const { isLid, jidPhone, userJid } = await loadBaileys()
  const jid = userJid(remoteJid)
  if (!isLid(jid)) {
    const phone = jidPhone(jid) ?? jid
    const lid = alternative && isLid(alternative) ? userJid(alternative) : null
    if (lid) {
      await rememberIfOwner(sources.lids, lid, phone)
    }
    return { from: phone, aliases: lid ? [lid] : [] }
  }

  let phone = jidPhone(alternative ? userJid(alternative) : null)
  phone ??= await sources.lids.phoneOf(jid)
  if (!phone && sources.socket) {
    const mapped = await sources.socket.phoneOfLid(jid).catch(() => null)
    phone = jidPhone(mapped ? userJid(mapped) : null)
  }
  if (!phone) {
    return { from: jid, aliases: [] }
  }
  await rememberIfOwner(sources.lids, jid, phone)
  return { from: phone, aliases: [jid] }
}
