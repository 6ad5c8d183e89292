import { describe, expect, it } from "vitest";
import {
  advertRoleName,
  ROLE_NAMES,
  ROLE_NUMBERS,
  roleName,
  roleNumber,
} from "../../daemon/protocol/roles.ts";

describe("roles", () => {
  it("maps advert types 1..4 to API names and back", () => {
    for (const [name, n] of Object.entries(ROLE_NUMBERS)) {
      expect(roleName(n)).toBe(name);
      expect(roleNumber(name)).toBe(n);
    }
    expect(ROLE_NAMES).toEqual(["chat", "repeater", "room", "sensor", "unknown"]);
  });

  it("reports type 0, undefined types and missing values as unknown (number 0)", () => {
    for (const n of [0, 5, 15, -1, null, undefined]) expect(roleName(n)).toBe("unknown");
    expect(roleNumber("unknown")).toBe(0);
    expect(roleNumber("toString")).toBe(0);
    expect(roleNumber("companion")).toBe(0);
  });

  it("keeps the decoder's wire names: none for 0, typeN for undefined types", () => {
    expect(advertRoleName(0)).toBe("none");
    expect(advertRoleName(2)).toBe("repeater");
    expect(advertRoleName(4)).toBe("sensor");
    expect(advertRoleName(5)).toBe("type5");
    expect(advertRoleName(15)).toBe("type15");
  });
});
