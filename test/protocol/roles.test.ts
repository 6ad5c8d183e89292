import { describe, expect, it } from "vitest";
import * as roles from "../../daemon/protocol/roles.ts";

describe("roles", () => {
  it("maps advert types 1..4 to API names and back", () => {
    for (const [name, n] of Object.entries(roles.ROLE_NUMBERS)) {
      expect(roles.roleName(n)).toBe(name);
      expect(roles.roleNumber(name)).toBe(n);
    }
    expect(roles.ROLE_NAMES).toEqual(["chat", "repeater", "room", "sensor", "unknown"]);
  });

  it("reports type 0, undefined types and missing values as unknown (number 0)", () => {
    for (const n of [0, 5, 15, -1, null, undefined]) expect(roles.roleName(n)).toBe("unknown");
    expect(roles.roleNumber("unknown")).toBe(0);
    expect(roles.roleNumber("toString")).toBe(0);
    expect(roles.roleNumber("companion")).toBe(0);
  });

  it("keeps the decoder's wire names: none for 0, typeN for undefined types", () => {
    expect(roles.advertRoleName(0)).toBe("none");
    expect(roles.advertRoleName(2)).toBe("repeater");
    expect(roles.advertRoleName(4)).toBe("sensor");
    expect(roles.advertRoleName(5)).toBe("type5");
    expect(roles.advertRoleName(15)).toBe("type15");
  });
});
