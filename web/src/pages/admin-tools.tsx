/** Admin conveniences: the doctor's checks, recent log lines, config and backup downloads. */
import { useState } from "preact/hooks";
import type { CheckResultView } from "../../../daemon/http/contract/setup.ts";
import type { AdminApi } from "../admin.ts";
import { CheckList } from "../components/fields.tsx";

export function AdminTools(props: { admin: AdminApi }) {
  const { admin } = props;
  const [checks, setChecks] = useState<readonly CheckResultView[] | string | null>(null);
  const [lines, setLines] = useState<readonly string[] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [backingUp, setBackingUp] = useState(false);
  return (
    <div class="card" data-section="admin">
      <h2>Maintenance</h2>
      <p>
        <button
          type="button"
          onClick={async () => {
            setChecks("Running the checks…");
            const r = await admin.doctor();
            setChecks(r.ok ? r.data.checks : r.message);
          }}
        >
          Run doctor
        </button>{" "}
        <button
          type="button"
          onClick={async () => {
            const r = await admin.logs();
            setLines(r.ok ? r.data.lines : [r.message]);
          }}
        >
          Recent log
        </button>{" "}
        <button type="button" onClick={async () => setNote(await admin.downloadConfig())}>
          Download config
        </button>{" "}
        <button
          type="button"
          disabled={backingUp}
          onClick={async () => {
            setBackingUp(true);
            setNote("Writing the backup…");
            setNote(await admin.downloadBackup());
            setBackingUp(false);
          }}
        >
          Download backup
        </button>{" "}
        {note ? <span role="alert">{note}</span> : null}
      </p>
      {typeof checks === "string" ? (
        <p role="status">{checks}</p>
      ) : checks ? (
        <CheckList checks={checks} attrs={{ "data-doctor": "" }} />
      ) : null}
      {lines ? (
        <pre class="log" data-log>
          {lines.slice(-200).join("\n")}
        </pre>
      ) : null}
    </div>
  );
}
