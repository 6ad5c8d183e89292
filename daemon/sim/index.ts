export { SimulatedRadio, type SimulatedRadioDeps, type SimulatorConfig } from "./link.ts";
export { MeshSimulator, type MeshSimulatorOptions, type Transmitted } from "./simulator.ts";
export type { SimRole, Truth } from "./types.ts";
