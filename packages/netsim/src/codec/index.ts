/** `@conduits/netsim/codec`: pcap and pcapng captures read back, whole or record by record. */
export {
  CaptureFile,
  captureRecords,
  MAX_RECORD,
  PcapFormatError,
  readCapture,
  type CaptureOptions,
  type CaptureSource,
  type PcapPacket,
} from '../pcap-reader.js';
