// `zendl train ... --dashboard 0`: a loopback server that pushes an update per epoch, then goes away.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { get, type IncomingMessage } from "node:http";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli", "main.js");

function request(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => get(url, resolve).on("error", reject));
}

async function body(response: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of response) text += String(chunk);
  return text;
}

test("the dashboard serves the page, streams epoch updates and an end event, then stops", async () => {
  const child = spawn(process.execPath, [cli, "train", "mlp", "--dataset", "digits", "--epochs", "40",
    "--dashboard", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += String(chunk);
      const found = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
      if (found) resolve(found[1]);
    });
    child.on("exit", () => reject(new Error(`exited before printing the dashboard URL: ${stderr}`)));
  });
  const events = await request(`${url}events`);
  assert.equal(events.headers["content-type"], "text/event-stream");
  const page = await body(await request(url));
  assert.match(page, /<title>mlp on digits \(live\)<\/title>/);
  assert.match(page, /new EventSource\("\/events"\)/);
  // read the stream until the server ends it
  const received = await body(events);
  const updates = received.split("\n").filter((l) => l === "event: update").length;
  assert.ok(updates >= 2, `expected at least 2 updates, got ${updates}`);
  assert.match(received, /event: end\ndata: \{"html":".*test accuracy/);
  assert.equal(await exited, 0, stderr);
  await assert.rejects(request(url), /ECONNREFUSED/);
});
