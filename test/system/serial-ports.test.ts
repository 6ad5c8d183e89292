/** Serial port discovery on a folder shaped like / (by-id links and sysfs), no udevadm. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listSerialPorts } from "../../daemon/system/serial-ports.ts";

describe("listSerialPorts", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "meshgate-sysfs-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function usbTty(tty: string, usb: Record<string, string>): void {
    // /sys/devices/.../1-1 (USB device) / 1-1:1.0 (interface) / tty/ttyACM0
    const dev = join(root, "sys/devices/pci0000:00/usb1", `1-${tty}`);
    const iface = join(dev, `1-${tty}:1.0`);
    mkdirSync(join(iface, "tty", tty), { recursive: true });
    for (const [k, v] of Object.entries(usb)) writeFileSync(join(dev, k), `${v}\n`);
    mkdirSync(join(root, "sys/class/tty", tty), { recursive: true });
    symlinkSync(iface, join(root, "sys/class/tty", tty, "device"));
    mkdirSync(join(root, "dev"), { recursive: true });
    writeFileSync(join(root, "dev", tty), "");
  }

  it("lists by-id links first with USB vendor/product, then ports without a link", () => {
    usbTty("ttyACM0", {
      idVendor: "239a",
      idProduct: "8029",
      manufacturer: "RAKwireless",
      product: "WisCore RAK4631",
      serial: "ABC123",
    });
    usbTty("ttyUSB0", { idVendor: "10c4", idProduct: "ea60", product: "CP2102 USB to UART" });
    mkdirSync(join(root, "dev/serial/by-id"), { recursive: true });
    symlinkSync(
      "../../ttyACM0",
      join(root, "dev/serial/by-id/usb-RAKwireless_WisCore_ABC123-if00"),
    );
    // A PC's legacy ttyS with no driver is not a port.
    mkdirSync(join(root, "sys/class/tty/ttyS7/device"), { recursive: true });
    mkdirSync(join(root, "sys/class/tty/tty1"), { recursive: true });

    const ports = listSerialPorts(root);
    expect(ports).toEqual([
      {
        path: "/dev/serial/by-id/usb-RAKwireless_WisCore_ABC123-if00",
        device: "/dev/ttyACM0",
        vendorId: "239a",
        productId: "8029",
        manufacturer: "RAKwireless",
        product: "WisCore RAK4631",
        serialNumber: "ABC123",
      },
      {
        path: "/dev/ttyUSB0",
        device: "/dev/ttyUSB0",
        vendorId: "10c4",
        productId: "ea60",
        manufacturer: null,
        product: "CP2102 USB to UART",
        serialNumber: null,
      },
    ]);
  });

  it("answers an empty list where there is no /dev/serial or sysfs (OpenWrt without USB)", () => {
    expect(listSerialPorts(root)).toEqual([]);
  });
});
