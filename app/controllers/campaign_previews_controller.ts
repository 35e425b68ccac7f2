import type { HttpContext } from '@adonisjs/core/http'
import Campaign from '#models/campaign'
import type Contact from '#models/contact'
import { messagePreviewValidator } from '#validators/campaigns'
import { findAudienceContacts, audienceQuery } from '#services/campaigns/campaign_audience'
import { previewMessage } from '#services/campaigns/message_preview'
import { serializeContactChoice } from '#services/contacts/contact_serializer'

export default class CampaignPreviewsController {
  /** Audience contacts matching `search`, for the preview's contact picker. */
  async contacts({ params, request, bouncer, tenant }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const campaign = await Campaign.findOrFail(params.id)
    const contacts = await findAudienceContacts(
      campaign.listIds,
      campaign.segmentIds,
      String(request.input('search') ?? ''),
      tenant.defaultCountry
    )
    return { contacts: contacts.map(serializeContactChoice) }
  }

  /** A send node's message rendered for one audience contact. */
  async preview({ params, request, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const campaign = await Campaign.findOrFail(params.id)
    const input = await request.validateUsing(messagePreviewValidator)
    let contact: Contact | null = null
    if (input.contactId) {
      const audience = await audienceQuery(campaign.listIds, campaign.segmentIds)
      contact = await audience().where('contacts.id', input.contactId).first()
    }
    return previewMessage(campaign, input.message, contact)
  }
}
