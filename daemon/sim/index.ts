export type { FirmwareKind, HostRecord } from "./firmware/device.ts";
export { FirmwareServer, type FirmwareServerOptions } from "./firmware/serve.ts";
export { SimulatedRadio, type SimulatedRadioDeps, type SimulatorConfig } from "./link.ts";
export { MeshSimulator, type MeshSimulatorOptions, type Transmitted } from "./simulator.ts";
export type { SimRole, Truth } from "./types.ts";
