import { errorMessage } from "../core/errors.ts";
import type { RadioStatus } from "../core/types.ts";
import type { GatewayIdentity, RadioLink } from "../radio/types.ts";

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

  /**
   * Tells every radio the gateway's new name and position. A radio that
   * refuses (or is down) keeps its old identity until it is set again; the
   * failures are returned, not thrown, so the others still get it.
   */
  async setGateway(g: GatewayIdentity): Promise<{ id: string; error: string }[]> {
    const failed: { id: string; error: string }[] = [];
    for (const link of this.links.values()) {
      try {
        await link.setGateway?.(g);
      } catch (err) {
        failed.push({ id: link.id, error: errorMessage(err) });
      }
    }
    return failed;
  }

  /** The radio actions use when none is named: the first one that is up, else the first. */
  primary(): RadioLink | undefined {
    const all = [...this.links.values()];
    return all.find((l) => l.status().state === "up") ?? all[0];
  }
}
