import Invitation from '#models/invitation'
import { DateTime } from 'luxon'
import { runInTenant } from '#tenancy/tenant_context'
import { addMember } from '#tests/helpers/accounts'
import { generateToken } from '#services/secure_token'
import ChannelInstance from '#models/channel_instance'
import { createPublishedCampaign } from '#tests/helpers/campaigns'
import { createDelivery, createEndpoint } from '#tests/helpers/webhooks'

/**
 * For each tenant-owned route with a resource id, a function that creates one
 * such resource in the given tenant and returns its id. The isolation test
 * walks every route behind the tenant middleware and fails on a route that
 * has a parameter but no entry here, so each new resource route needs one.
 * Keys are the route pattern up to and including its first parameter.
 */
export const TENANT_RESOURCE_FACTORIES: Record<
  string,
  (tenantId: number) => Promise<number | string>
> = {
  '/settings/members/:id': async (tenantId) => {
    const { membership } = await addMember(tenantId, 'editor')
    return membership.id
  },
  '/settings/invitations/:id': async (tenantId) => {
    const invitation = await runInTenant(tenantId, () =>
      Invitation.create({
        email: `invitee${Date.now()}@example.com`,
        role: 'agent',
        tokenHash: generateToken().hash,
        expiresAt: DateTime.utc().plus({ days: 1 }),
      })
    )
    return invitation.id
  },
  '/campaigns/:id': async (tenantId) => {
    const campaign = await createPublishedCampaign(tenantId)
    return campaign.id
  },
  '/plugins/webhooks/endpoints/:id': async (tenantId) => {
    const endpoint = await createEndpoint(tenantId, 'http://127.0.0.1:9/discard')
    return endpoint.id
  },
  '/plugins/webhooks/deliveries/:id': async (tenantId) => {
    const endpoint = await createEndpoint(tenantId, 'http://127.0.0.1:9/discard')
    const delivery = await createDelivery(endpoint, '{"event":"message:delivered"}')
    return delivery.id
  },
  '/connections/:id': async (tenantId) => {
    const instance = await runInTenant(tenantId, () =>
      ChannelInstance.create({
        name: `Isolation ${Date.now()}`,
        channel: 'sandbox',
        status: 'closed',
      })
    )
    return instance.id
  },
  '/simulator/:id': async (tenantId) => {
    const instance = await runInTenant(tenantId, () =>
      ChannelInstance.create({
        name: `Simulated ${Date.now()}`,
        channel: 'sandbox',
        status: 'closed',
      })
    )
    return instance.id
  },
}
