/** Node roles as carried in the advert flags' low nibble (protocol doc section 2). */
export type RoleName = "chat" | "repeater" | "room" | "sensor" | "unknown";

export function roleName(role: number | null | undefined): RoleName {
  switch (role) {
    case 1:
      return "chat";
    case 2:
      return "repeater";
    case 3:
      return "room";
    case 4:
      return "sensor";
    default:
      return "unknown";
  }
}
