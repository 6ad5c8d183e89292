/**
 * Node names for the simulated mesh: the mix real meshes show (call signs,
 * places, unicode and emoji). Each fits the advert app-data limit with a
 * location (32 - 1 flags - 8 lat/lon = 23 bytes, see src/helpers/AdvertDataHelpers.h).
 */
import type { Rng } from "./rng.ts";
import type { SimRole } from "./types.ts";

const PLACES = [
  "Twin Peaks",
  "Bernal Hill",
  "Mt Sutro",
  "Diamond Hts",
  "Potrero",
  "Presidio",
  "Glen Park",
  "Noe Valley",
  "Excelsior",
  "Marina",
  "Sunset",
  "Richmond",
  "Mission",
  "Dogpatch",
  "Bayview",
  "Hunters Pt",
];
const PEOPLE = [
  "Alice",
  "Bob",
  "Zoë",
  "Jürgen",
  "Søren",
  "Ana Lucía",
  "Kai 🦊",
  "Mei 🌸",
  "Dmitri",
  "Noor",
  "Olu",
  "Priya",
  "Tomás",
  "Yuki ❄️",
  "Ravi 📡",
  "Emma",
  "Björn",
  "Chen 🐉",
  "Fatima",
  "Leo 🦁",
  "KJ6ABC",
  "W6XYZ mobile",
  "N0CALL",
  "Grace",
];
const ROOMS = ["Bay Chat Room", "Hams Room 📻", "Local News", "Meshers Lounge"];
const SENSORS = ["Weather 🌡️", "River Gauge", "Air Quality", "Solar Node ☀️"];

const MAX_NAME_BYTES = 23;
const enc = new TextEncoder();

function fits(name: string): boolean {
  return enc.encode(name).length <= MAX_NAME_BYTES;
}

/** A unique name for a node of the given role. */
export function makeName(role: SimRole, rng: Rng, taken: Set<string>): string {
  for (let attempt = 0; attempt < 50; attempt++) {
    let base: string;
    switch (role) {
      case "repeater":
        base = `${rng.pick(PLACES)} ${rng.pick(["Rptr", "RPT", "⛰️", "Relay", "Repeater"])}`;
        break;
      case "room":
        base = rng.pick(ROOMS);
        break;
      case "sensor":
        base = rng.pick(SENSORS);
        break;
      default:
        base = rng.pick(PEOPLE);
    }
    const name = attempt < 10 ? base : `${base} ${attempt}`;
    if (!taken.has(name) && fits(name)) {
      taken.add(name);
      return name;
    }
  }
  const fallback = `node-${taken.size}`;
  taken.add(fallback);
  return fallback;
}
