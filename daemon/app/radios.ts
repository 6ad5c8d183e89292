import type { RadioStatus } from "../core/types.ts";
import type { RadioLink } from "../radio/types.ts";

/**
 * Every radio of the daemon in one place: real links from the RadioManager
 * and the simulator's radio. HTTP, MQTT and actions look radios up here.
 */
export class RadioSet {
  private readonly links = new Map<string, RadioLink>();

  add(link: RadioLink): void {
    this.links.set(link.id, link);
  }

  get(id: string): RadioLink | undefined {
    return this.links.get(id);
  }

  ids(): string[] {
    return [...this.links.keys()];
  }

  list(): RadioStatus[] {
    return [...this.links.values()].map((l) => l.status());
  }

  /** The radio actions use when none is named: the first one that is up, else the first. */
  primary(): RadioLink | undefined {
    const all = [...this.links.values()];
    return all.find((l) => l.status().state === "up") ?? all[0];
  }
}
