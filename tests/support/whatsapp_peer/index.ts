export {
  DISCONNECT_CODES,
  startWhatsAppPeer,
  WhatsAppPeer,
  type AddContactOptions,
  type DisconnectCode,
  type PeerLogger,
  type ScanQrOptions,
  type WhatsAppPeerOptions,
} from './peer.js'
export type { IqFailure, ReachoutTimelock } from './account_health.js'
export { peerCertificate, trustPeerCertificate, type PeerCertificate } from './certificate.js'
export { SimulatedContact, type CompanionReceipt, type SendTextOptions } from './contact.js'
export { phoneVariants, type Account, type Companion, type ReceivedMessage } from './accounts.js'
