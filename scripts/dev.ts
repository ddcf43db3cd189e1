/**
 * `npm run dev`: rebuild the lib/ bundle on every change and run Framework's preview server, which reloads
 * pages when the bundle (or a page) changes.
 */
import { spawn } from "node:child_process";
import { buildEngine } from "./build-engine.js";

await buildEngine(true);
const args = ["observable", "preview", ...process.argv.slice(2)];
const preview = spawn("npx", args, { stdio: "inherit", env: { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true" } });
preview.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => preview.kill(signal));
