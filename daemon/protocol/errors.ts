import { MeshgateError } from "../core/errors.ts";

/**
 * Thrown by the encoder when asked to build something the wire cannot carry
 * (a bug in the caller, not bad input from the air: decoding never throws).
 */
export class PacketEncodeError extends MeshgateError {
  constructor(message: string) {
    super("E_PACKET_ENCODE", message);
  }
}
