export { DISCONNECT_CODES, type DisconnectCode } from './server_stanzas.js'
export {
  startWhatsAppPeer,
  WhatsAppPeer,
  type AddContactOptions,
  type PeerLogger,
  type ScanQrOptions,
  type WhatsAppPeerOptions,
} from './peer.js'
export type { IqFailure, ReachoutTimelock } from './account_health.js'
export { peerCertificate, trustPeerCertificate, type PeerCertificate } from './certificate.js'
export { SimulatedContact, type CompanionReceipt, type SendTextOptions } from './contact.js'
export { phoneVariants, type Account, type Companion, type ReceivedMessage } from './accounts.js'
