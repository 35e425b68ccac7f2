import type { HttpContext } from '@adonisjs/core/http'
import ChannelInstance from '#models/channel_instance'
import Contact from '#models/contact'
import Message from '#models/message'
import { replyValidator, scanValidator, simulatorConversationValidator } from '#validators/channels'
import { serializeInstanceFor, serializeMessage } from '#services/channels/channel_broadcast'
import { performAction } from '#services/channels/instance_service'
import { findContactChoices } from '#services/contacts/contact_search'
import { serializeContactChoice } from '#services/contacts/contact_serializer'

/**
 * The phone simulator: a contact's phone talking to a sandbox instance. It
 * scans the instance's QR code and sends the contact's replies through the
 * driver, so they arrive like any inbound message. Every member reads the
 * conversations. Scanning pairs the connection and a reply acts as the
 * contact (an opt-out keyword opts them out), so both need the role that
 * manages connections and campaigns.
 */
export default class SimulatorController {
  /**
   * Renders the simulator page. Its contact picker opens with the first contacts by
   * name, and the one of `?contact=` when it is not among them, and searches the rest.
   */
  async show({ inertia, bouncer, request, tenant }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const instances = await ChannelInstance.query().where('channel', 'sandbox').orderBy('name')
    const contacts = await findContactChoices(Contact.query(), '', tenant.defaultCountry)
    const selectedContactId = Number(request.input('contact')) || null
    if (selectedContactId && !contacts.some((contact) => contact.id === selectedContactId)) {
      const selected = await Contact.find(selectedContactId)
      if (selected) {
        contacts.unshift(selected)
      }
    }
    const canSimulate = await bouncer.allows('designCampaigns')
    return inertia.render('simulator/show', {
      instances: instances.map((instance) => serializeInstanceFor(instance, canSimulate)),
      contacts: contacts.map(serializeContactChoice),
      selectedInstanceId: Number(request.input('instance')) || instances[0]?.id || null,
      selectedContactId,
      canSimulate,
    })
  }

  async conversation({ params, request, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const instance = await ChannelInstance.findOrFail(params.id)
    const { contactId } = await request.validateUsing(simulatorConversationValidator)
    const contact = await Contact.findOrFail(contactId)
    const messages = await Message.query()
      .where('instance_id', instance.id)
      .where('address', contact.phone)
      .orderBy('id', 'desc')
      .limit(200)
    // The instance comes along so that a page that subscribed to its channel
    // first also learns a status change it missed before the subscription.
    return {
      instance: serializeInstanceFor(instance, await bouncer.allows('designCampaigns')),
      messages: messages.reverse().map(serializeMessage),
    }
  }

  async scan({ params, request, response, bouncer }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const instance = await ChannelInstance.findOrFail(params.id)
    const { qr } = await request.validateUsing(scanValidator)
    return this.#perform(response, () => performAction(instance, 'scan', { qr }))
  }

  async reply({ params, request, response, bouncer }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const instance = await ChannelInstance.findOrFail(params.id)
    const input = await request.validateUsing(replyValidator)
    const contact = await Contact.findOrFail(input.contactId)
    return this.#perform(response, () =>
      performAction(instance, 'reply', {
        from: contact.phone,
        fromName: contact.name,
        text: input.text,
        lid: input.lid,
      })
    )
  }

  async #perform(response: HttpContext['response'], run: () => Promise<Record<string, unknown>>) {
    try {
      return await run()
    } catch (error) {
      const failure = error as { code?: string; status?: number; message: string }
      return response
        .status(failure.status && failure.status < 600 ? failure.status : 500)
        .send({ code: failure.code ?? 'E_CHANNEL_COMMAND_FAILED', message: failure.message })
    }
  }
}
