// One TS SDK client of the side-by-side benchmark (see ../compare), in a
// process of its own: connects, warms up, makes echo calls from -c callers
// for -dur seconds and prints one JSON line as ../client does (no bytes
// allocated: Node does not count them).
//
//   node client.mjs <node_modules> (stdio "cmd args" | http URL) <callers> <seconds>
import path from "node:path";
import { pathToFileURL } from "node:url";

const [modules, kind, target, callersArg, secondsArg] = process.argv.slice(2);
const sdk = (p) => import(pathToFileURL(path.join(modules, "@modelcontextprotocol/sdk/dist/esm", p)).href);
const { Client } = await sdk("client/index.js");

let transport;
if (kind === "stdio") {
  const { StdioClientTransport } = await sdk("client/stdio.js");
  const [command, ...args] = target.split(/\s+/);
  transport = new StdioClientTransport({ command, args, stderr: "inherit" });
} else {
  const { StreamableHTTPClientTransport } = await sdk("client/streamableHttp.js");
  transport = new StreamableHTTPClientTransport(new URL(target));
}
const client = new Client({ name: "bench", version: "1" });
await client.connect(transport);

const call = async () => {
  const res = await client.callTool({ name: "echo", arguments: { text: "hello" } });
  if (res.isError || res.content[0].text !== "hello") throw new Error("echo: " + JSON.stringify(res));
};
for (let i = 0; i < 300; i++) await call();

const callers = Number(callersArg), seconds = Number(secondsArg);
const lat = [];
const cpu0 = process.cpuUsage();
const start = process.hrtime.bigint();
const deadline = start + BigInt(Math.round(seconds * 1e9));
await Promise.all(Array.from({ length: callers }, async () => {
  for (;;) {
    const t0 = process.hrtime.bigint();
    if (t0 > deadline) break;
    await call();
    lat.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
}));
const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpu0);
lat.sort((a, b) => a - b);
const n = lat.length;
console.log(JSON.stringify({
  impl: "ts",
  calls: n,
  calls_per_s: n / elapsed,
  p50_us: lat[Math.floor(n / 2)],
  p99_us: lat[Math.floor(n * 99 / 100)],
  cpu_us_per_call: (cpu.user + cpu.system) / n,
  bytes_per_call: null,
}));
await client.close();
process.exit(0);
