/**
 * Candidate serial ports for a radio, without udevadm (absent on OpenWrt):
 * the stable /dev/serial/by-id links first, then USB and on-board UARTs that
 * have no such link, with vendor/product read from sysfs.
 */
import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { SerialPortInfo } from "../http/contract/setup.ts";

/** Kernel names a LoRa board shows up as (USB CDC, USB-serial bridges, Pi UART). */
const TTY = /^tty(ACM|USB|AMA|S|THS|mxc)\d+$/;
const MAX_PORTS = 64;

function read(path: string): string | null {
  try {
    const v = readFileSync(path, "utf8").trim();
    return v.length > 0 ? v.slice(0, 128) : null;
  } catch {
    return null;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** USB descriptor strings of the device a tty belongs to (walks up to the USB device). */
function usbInfo(root: string, tty: string): Omit<SerialPortInfo, "path" | "device"> {
  const none = {
    vendorId: null,
    productId: null,
    manufacturer: null,
    product: null,
    serialNumber: null,
  };
  let dir: string;
  try {
    dir = realpathSync(join(root, "sys/class/tty", tty, "device"));
  } catch {
    return none;
  }
  for (let i = 0; i < 5 && dir.length > 1; i++, dir = dirname(dir)) {
    const vendorId = read(join(dir, "idVendor"));
    if (vendorId) {
      return {
        vendorId,
        productId: read(join(dir, "idProduct")),
        manufacturer: read(join(dir, "manufacturer")),
        product: read(join(dir, "product")),
        serialNumber: read(join(dir, "serial")),
      };
    }
  }
  return none;
}

function driverOf(root: string, tty: string): string | null {
  try {
    return basename(realpathSync(join(root, "sys/class/tty", tty, "device/driver")));
  } catch {
    return null;
  }
}

/** `root` is "/" on a gateway; tests pass a folder shaped like one. */
export function listSerialPorts(root = "/"): SerialPortInfo[] {
  const out: SerialPortInfo[] = [];
  const linked = new Set<string>();
  const byId = join(root, "dev/serial/by-id");
  for (const name of list(byId)) {
    let device: string;
    try {
      device = realpathSync(join(byId, name));
    } catch {
      continue;
    }
    const tty = basename(device);
    linked.add(tty);
    out.push({ path: `/dev/serial/by-id/${name}`, device: `/dev/${tty}`, ...usbInfo(root, tty) });
  }
  // Without a by-id link (on-board UARTs, systems without udev).
  for (const tty of list(join(root, "sys/class/tty"))) {
    if (!TTY.test(tty) || linked.has(tty)) continue;
    // A PC has 32 ttyS nodes whether or not the ports exist; only those bound
    // to a driver other than the legacy probe are real (a Pi's mini UART is one).
    if (tty.startsWith("ttyS") && [null, "serial8250"].includes(driverOf(root, tty))) continue;
    const info = usbInfo(root, tty);
    out.push({ path: `/dev/${tty}`, device: `/dev/${tty}`, ...info });
  }
  return out.slice(0, MAX_PORTS);
}
