/**
 * Radio settings: pick a port (stable /dev/serial/by-id paths listed first),
 * test the handshake before saving, save (applies after a restart), and send
 * an advert through the running radio.
 */
import { useEffect, useState } from "preact/hooks";
import { DRIVER_KINDS, type DriverKind } from "../../../daemon/core/types.ts";
import type { RadioTestResponse, SerialPortInfo } from "../../../daemon/http/contract/setup.ts";
import type { AdminApi } from "../admin.ts";
import { CheckList, SelectField, TextField } from "../components/fields.tsx";
import { arr, type Cfg, obj, type Save, text } from "../components/form.ts";
import { submitted } from "../components/submit.ts";

export function RadioSection(props: { admin: AdminApi; cfg: Cfg; save: Save }) {
  const radios = arr(props.cfg.radios);
  const first = radios[0] ?? {};
  const serial = obj(first.serial);
  const [ports, setPorts] = useState<readonly SerialPortInfo[]>([]);
  const [path, setPath] = useState(text(serial.path));
  const [driver, setDriver] = useState(text(first.driver) || "companion");
  const [baud, setBaud] = useState(String(serial.baud ?? 115200));
  const [test, setTest] = useState<RadioTestResponse | "running" | string | null>(null);
  const [advert, setAdvert] = useState<string | null>(null);
  useEffect(() => {
    void props.admin.serialPorts().then((r) => r.ok && setPorts(r.data.items));
  }, []);

  const runTest = async () => {
    setTest("running");
    const r = await props.admin.testRadio({
      driver: driver as DriverKind,
      path: path.trim(),
      baud: Number(baud),
    });
    setTest(r.ok ? r.data : r.message);
  };
  const save = () => {
    const radio = {
      ...first,
      id: text(first.id) || "main",
      driver,
      serial: { path: path.trim(), baud: Number(baud) },
    };
    delete (radio as Cfg).tcp;
    void props.save({ radios: [radio, ...radios.slice(1)] });
  };
  const sendAdvert = async () => {
    const r = await props.admin.call<{ ok: boolean }>("POST", "/api/actions/advert", {
      flood: false,
    });
    setAdvert(r.ok ? "Advert sent." : `Advert failed: ${r.message}`);
  };

  return (
    <div class="card" data-section="radio">
      <h2>Radio</h2>
      <TextField
        label="Serial port"
        name="port"
        list="serial-ports"
        size={48}
        maxLength={200}
        value={path}
        placeholder="/dev/serial/by-id/…"
        onInput={setPath}
      />
      <datalist id="serial-ports">
        {ports.map((p) => (
          <option key={p.path} value={p.path}>
            {[p.manufacturer, p.product, p.device].filter(Boolean).join(" · ")}
          </option>
        ))}
      </datalist>{" "}
      <SelectField
        label="Firmware"
        name="driver"
        value={driver}
        options={DRIVER_KINDS}
        onChange={setDriver}
      />
      <TextField label="Baud" name="baud" size={8} value={baud} onInput={setBaud} />
      {ports.length ? (
        <ul class="ports">
          {ports.map((p) => (
            <li key={p.path}>
              <button type="button" onClick={() => setPath(p.path)}>
                Use
              </button>{" "}
              <code>{p.path}</code>{" "}
              <span class="muted">
                {[p.manufacturer, p.product, p.vendorId && `${p.vendorId}:${p.productId}`]
                  .filter(Boolean)
                  .join(" · ")}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No serial port found: plug the radio in, or type its path.</p>
      )}
      <p>
        <button
          type="button"
          onClick={() => void runTest()}
          disabled={!path.trim() || test === "running"}
        >
          Test
        </button>{" "}
        <button type="button" onClick={save} disabled={!path.trim()}>
          Save radio
        </button>{" "}
        <button type="button" onClick={() => void sendAdvert()}>
          Send advert
        </button>{" "}
        {advert ? <span role="status">{advert}</span> : null}
      </p>
      <TestResult test={test} />
      <RadioParams admin={props.admin} />
    </div>
  );
}

interface LiveRadio {
  readonly id: string;
  readonly state: string;
  readonly params: {
    freqMHz: number;
    bwKHz: number;
    sf: number;
    cr: number;
    txPowerDbm?: number;
  } | null;
}

const PARAM_FIELDS = [
  ["freqMHz", "Frequency (MHz)"],
  ["bwKHz", "Bandwidth (kHz)"],
  ["sf", "SF"],
  ["cr", "CR"],
  ["txPowerDbm", "TX power (dBm)"],
] as const;

/** LoRa parameters of the running radio, read from its link and written through it. */
function RadioParams(props: { admin: AdminApi }) {
  const [radio, setRadio] = useState<LiveRadio | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    void props.admin.call<{ items: LiveRadio[] }>("GET", "/api/radios").then((r) => {
      const up = r.ok ? r.data.items.find((x) => x.state === "up" && x.params) : undefined;
      if (!up?.params) return;
      setRadio(up);
      setValues(Object.fromEntries(PARAM_FIELDS.map(([k]) => [k, String(up.params?.[k] ?? "")])));
    });
  }, []);
  if (!radio) return null;
  const submit = submitted(async () => {
    const body: Record<string, unknown> = { radioId: radio.id };
    for (const [k] of PARAM_FIELDS) if (values[k]) body[k] = Number(values[k]);
    const r = await props.admin.call("POST", "/api/actions/radio-params", body);
    setNote(r.ok ? "Radio parameters set." : `Refused: ${r.message}`);
  });
  return (
    <form onSubmit={submit} data-section="radio-params">
      <h3>LoRa parameters of {radio.id}</h3>
      {PARAM_FIELDS.map(([k, label]) => (
        <label key={k}>
          {label}{" "}
          <input
            name={k}
            size={8}
            value={values[k] ?? ""}
            onInput={(e) => setValues({ ...values, [k]: (e.target as HTMLInputElement).value })}
          />{" "}
        </label>
      ))}
      <button type="submit">Set parameters</button>{" "}
      {note ? <span role="status">{note}</span> : null}
    </form>
  );
}

function TestResult(props: { test: RadioTestResponse | "running" | string | null }) {
  const t = props.test;
  if (t === null) return null;
  if (t === "running") return <p role="status">Testing the radio (up to 10 s)…</p>;
  if (typeof t === "string")
    return (
      <p class="notice error" role="alert">
        {t}
      </p>
    );
  const p = t.radio?.params;
  return (
    <div class={`notice ${t.ok ? "ok" : "error"}`} data-test-result={t.ok ? "ok" : "fail"}>
      {t.radio ? (
        <p>
          <strong>{t.radio.name ?? "unnamed radio"}</strong> {t.radio.model ?? ""} firmware{" "}
          {t.radio.firmware ?? "?"}
          {p ? ` · ${p.freqMHz} MHz, BW ${p.bwKHz} kHz, SF${p.sf}, CR${p.cr}` : ""}
        </p>
      ) : null}
      <CheckList checks={t.checks} />
    </div>
  );
}
