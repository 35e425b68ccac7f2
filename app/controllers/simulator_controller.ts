import type { HttpContext } from '@adonisjs/core/http'
import ChannelInstance from '#models/channel_instance'
import Contact from '#models/contact'
import Message from '#models/message'
import { replyValidator, scanValidator } from '#validators/channels'
import { serializeInstance, serializeMessage } from '#services/channels/channel_broadcast'
import { performAction } from '#services/channels/instance_service'
import { findContactChoices } from '#services/contacts/contact_search'
import { serializeContactChoice } from '#services/contacts/contact_serializer'

/**
 * The phone simulator: a contact's phone talking to a sandbox instance. It
 * scans the instance's QR code and sends the contact's replies through the
 * driver, so they arrive like any inbound message.
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
    return inertia.render('simulator/show', {
      instances: instances.map(serializeInstance),
      contacts: contacts.map(serializeContactChoice),
      selectedInstanceId: Number(request.input('instance')) || instances[0]?.id || null,
      selectedContactId,
    })
  }

  async conversation({ params, request, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const instance = await ChannelInstance.findOrFail(params.id)
    const contact = await Contact.findOrFail(request.input('contactId'))
    const messages = await Message.query()
      .where('instance_id', instance.id)
      .where('address', contact.phone)
      .orderBy('id', 'desc')
      .limit(200)
    // The instance comes along so that a page that subscribed to its channel
    // first also learns a status change it missed before the subscription.
    return {
      instance: serializeInstance(instance),
      messages: messages.reverse().map(serializeMessage),
    }
  }

  async scan({ params, request, response, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const instance = await ChannelInstance.findOrFail(params.id)
    const { qr } = await request.validateUsing(scanValidator)
    return this.#perform(response, () => performAction(instance, 'scan', { qr }))
  }

  async reply({ params, request, response, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
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
