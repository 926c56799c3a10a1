import { connect, createServer, type Server, type Socket } from "node:net";

export type ProxyMode =
  /** Forward bytes both ways. */
  | "pass"
  /** Accept, then reset at once (RST): what a dead cell link looks like. */
  | "reset"
  /** Accept and read, never forward nor answer: a black hole the client must time out of. */
  | "blackhole";

/**
 * A loopback TCP proxy in front of the Worker, for network flaps the SDK must survive: it can
 * reset or swallow new connections, delay every chunk, and cut every open connection (HTTP
 * keep-alive sockets and WebSockets alike) at once.
 */
export interface FlakyProxy {
  url: string;
  mode: ProxyMode;
  /** Added before each chunk is forwarded, in both directions. */
  delayMs: number;
  /** Destroys every open connection now (a flap); new ones follow `mode`. */
  cut(): void;
  connections(): number;
  close(): Promise<void>;
}

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  const proxy: FlakyProxy = {
    url: "",
    mode: "pass",
    delayMs: 0,
    cut() {
      for (const s of open) s.resetAndDestroy();
      open.clear();
    },
    connections: () => open.size,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.cut();
        server.close(() => resolve());
      }),
  };
  const forward = (from: Socket, to: Socket) =>
    from.on("data", (chunk) => {
      if (proxy.delayMs === 0) to.write(chunk);
      else setTimeout(() => to.writable && to.write(chunk), proxy.delayMs);
    });
  const server: Server = createServer((client) => {
    client.on("error", () => undefined);
    if (proxy.mode === "reset") return void client.resetAndDestroy();
    open.add(client);
    client.on("close", () => open.delete(client));
    if (proxy.mode === "blackhole") return void client.resume();
    const upstream = connect(Number(port), hostname);
    upstream.on("error", () => client.destroy());
    open.add(upstream);
    upstream.on("close", () => {
      open.delete(upstream);
      client.destroy();
    });
    client.on("close", () => upstream.destroy());
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("proxy has no port");
  proxy.url = `http://127.0.0.1:${address.port}`;
  return proxy;
}
