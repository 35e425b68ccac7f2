import Contact from '#models/contact'
import ContactAddress from '#models/contact_address'

const E164 = /^\+[1-9]\d{6,14}$/
const BRAZIL_WITH_NINTH = /^\+55(\d{2})9(\d{8})$/
const BRAZIL_WITHOUT_NINTH = /^\+55(\d{2})([6-9]\d{7})$/

/** Tells whether an address is a phone number in E.164, not `…@lid` or another opaque id. */
export function isPhoneAddress(address: string) {
  return E164.test(address)
}

/**
 * Returns the same Brazilian mobile written the other way: without its
 * ninth digit when it has one, with it when it has eight digits that start
 * with 6 to 9. Returns `null` for any other address. WhatsApp still reports
 * some numbers registered before 2016 without the ninth digit.
 */
export function ninthDigitVariant(address: string) {
  const withNinth = address.match(BRAZIL_WITH_NINTH)
  if (withNinth) {
    return `+55${withNinth[1]}${withNinth[2]}`
  }
  const withoutNinth = address.match(BRAZIL_WITHOUT_NINTH)
  if (withoutNinth) {
    return `+55${withoutNinth[1]}9${withoutNinth[2]}`
  }
  return null
}

/** Lists the sender's addresses, `from` first, without blanks and repeats. */
export function senderAddresses(from: string, aliases: string[] = []) {
  const addresses = [from, ...aliases].map((address) => address.trim()).filter(Boolean)
  return [...new Set(addresses)].filter((address) => address.length <= 64)
}

async function findByAddresses(addresses: string[]) {
  if (addresses.length === 0) {
    return null
  }
  const byPhone = await Contact.query().whereIn('phone', addresses).orderBy('id').first()
  if (byPhone) {
    return byPhone
  }
  const known = await ContactAddress.query().whereIn('address', addresses).orderBy('id').first()
  return known ? Contact.find(known.contactId) : null
}

/**
 * Finds the current tenant's contact behind an inbound sender. Tries, in
 * order: a contact whose phone is one of the addresses, an address stored
 * for a contact by an earlier message (a `…@lid` privacy address, say), and
 * the Brazilian ninth-digit variant of each phone address. Returns `null`
 * when nothing matches.
 */
export async function resolveSender(addresses: string[]) {
  const direct = await findByAddresses(addresses)
  if (direct) {
    return direct
  }
  const variants = addresses.map(ninthDigitVariant).filter((value) => value !== null)
  return findByAddresses(variants)
}

/**
 * Stores every address of the sender other than the contact's phone, so a
 * later message that carries only one of them (a privacy address without
 * the phone) finds the same contact. An address already stored, for this
 * contact or another, is left as it is.
 */
export async function rememberAddresses(contact: Contact, addresses: string[]) {
  const others = addresses.filter((address) => address !== contact.phone)
  if (others.length === 0) {
    return
  }
  const stored = await ContactAddress.query().whereIn('address', others)
  const storedSet = new Set(stored.map((row) => row.address))
  for (const address of others.filter((value) => !storedSet.has(value))) {
    try {
      await ContactAddress.create({ contactId: contact.id, address })
    } catch (error) {
      // A message processed at the same time stored it first; the unique key kept one row.
      const raced = await ContactAddress.query().where('address', address).first()
      if (!raced) {
        throw error
      }
    }
  }
}
