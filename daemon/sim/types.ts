/** Plain data shared by the simulator's parts. */

import type { KnownRole } from "../protocol/roles.ts";

export type SimRole = KnownRole;

export interface SimNode {
  readonly index: number;
  readonly name: string;
  readonly role: SimRole;
  readonly lat: number;
  readonly lon: number;
  /** On a hill or a mast: reaches further. */
  readonly elevated: boolean;
  readonly publicKey: Uint8Array;
  /** Upper-case hex of the public key. */
  readonly publicKeyHex: string;
  /** 32-byte Ed25519 seed (the node's secret). */
  readonly seed: Uint8Array;
  /** Path hash size this node floods with (1..3 bytes). */
  readonly hashSize: 1 | 2 | 3;
}

export interface SimLink {
  readonly a: number;
  readonly b: number;
  readonly distanceKm: number;
  /** Mean SNR (dB) and RSSI (dBm) of the link; each reception adds fading. */
  readonly snr: number;
  readonly rssi: number;
}

export interface Truth {
  readonly nodes: readonly {
    readonly publicKey: string;
    readonly name: string;
    readonly role: SimRole;
    readonly lat: number;
    readonly lon: number;
  }[];
  readonly links: readonly { readonly a: string; readonly b: string }[];
}
