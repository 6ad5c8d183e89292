/** The map's basemap: where its tiles come from (config `http.basemap`). */

/** online: tiles from the internet; offline: the PMTiles archive in the data directory; none: no tiles. */
export type BasemapMode = "online" | "offline" | "none";

/** GET /api/map/basemap */
export interface BasemapInfo {
  readonly mode: BasemapMode;
  /** Where the archive is served (offline with an archive present), else null. */
  readonly url: string | null;
  /** The archive's size in bytes, else null. */
  readonly bytes: number | null;
  /** Why offline tiles cannot show (the archive is missing), else null. */
  readonly problem: string | null;
}
