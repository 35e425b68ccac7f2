import { channelConformance } from '#sdk/testing'
import { loopbackChannel } from '../../fixtures/plugins/fixture-loopback/index.js'
import type { LoopbackDriver } from '../../fixtures/plugins/fixture-loopback/loopback_driver.js'

channelConformance<LoopbackDriver>({
  channel: loopbackChannel,
  recipient: '+5511988887777',
  unknownRecipient: '+15550001111',
  pair: (driver) => driver.scan(),
  simulateInbound: (driver, message) => driver.receive(message.from, message.text),
  dropConnection: (driver) => driver.drop(),
})
