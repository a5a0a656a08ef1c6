/**
 * The live dashboard's server, in a worker thread: training runs synchronously on the main thread, so
 * a server there could not answer until training ended. The main thread posts each rendered page; this
 * worker serves the latest one on 127.0.0.1 and pushes it to every open event stream (server-sent
 * events).
 */
import { createServer, type ServerResponse } from "node:http";
import { parentPort, workerData } from "node:worker_threads";

export type DashboardMessage =
  | { type: "page"; page: string }
  | { type: "update"; page: string; main: string }
  | { type: "end"; page: string; main: string; keepServing: boolean };

const port = parentPort!;
let page = "<!doctype html><title>zendl</title><p>starting…</p>";
const streams = new Set<ServerResponse>();

function send(stream: ServerResponse, event: string, html: string): void {
  stream.write(`event: ${event}\ndata: ${JSON.stringify({ html })}\n\n`);
}

const server = createServer((request, response) => {
  if (request.url === "/events") {
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache",
      connection: "keep-alive" });
    streams.add(response);
    request.on("close", () => streams.delete(response));
    return;
  }
  if (request.url === "/" || request.url === "/index.html") {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" });
    response.end(page);
    return;
  }
  response.writeHead(404, { "content-type": "text/plain" });
  response.end("not found\n");
});

port.on("message", (message: DashboardMessage) => {
  page = message.page;
  if (message.type === "update") for (const s of streams) send(s, "update", message.main);
  if (message.type === "end") {
    for (const s of streams) {
      send(s, "end", message.main);
      if (!message.keepServing) s.end();
    }
    if (!message.keepServing) server.close(() => port.postMessage({ type: "closed" }));
  }
});

server.listen((workerData as { port: number }).port, "127.0.0.1", () => {
  const address = server.address();
  port.postMessage({ type: "listening", port: typeof address === "object" && address ? address.port : 0 });
});
server.on("error", (error) => port.postMessage({ type: "error", message: error.message }));
