/** Entry point: mounts the UI on #app. */
import "leaflet/dist/leaflet.css";
import "./styles.css";
import { render } from "preact";
import { Api } from "./api.ts";
import { App } from "./app.tsx";
import { wsUrl } from "./live.ts";

const root = document.getElementById("app");
if (root) render(<App api={new Api("")} wsUrl={wsUrl(location)} />, root);
