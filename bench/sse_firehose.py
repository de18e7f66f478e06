#!/usr/bin/env python3
"""An SSE source as fast as the kernel allows, for measuring clients (bench/client_vs_curl.sh).

Every GET without Last-Event-ID gets 200 text/event-stream (chunked) with --events
pre-serialized Mercure-like events (an id, --data-size bytes of data), then the end of the
stream. A request with Last-Event-ID (a client reconnecting) gets 204, so EventSource
clients stop. Prints `listening on http://127.0.0.1:PORT` once ready. Loopback only; it
serves until killed.
"""
import argparse
import asyncio


def build_body(events: int, data_size: int) -> bytes:
    data = ('{"k":"value","n":' + '1' * data_size)[:data_size]
    chunks = []
    batch = []
    for n in range(events):
        batch.append(f"id: urn:uuid:5a1c0e4e-3f1b-4c38-9c7e-{n:012x}\ndata: {data}\n\n")
        if len(batch) == 256:  # about what a hub coalesces into one write
            payload = "".join(batch).encode()
            chunks.append(b"%x\r\n%s\r\n" % (len(payload), payload))
            batch = []
    if batch:
        payload = "".join(batch).encode()
        chunks.append(b"%x\r\n%s\r\n" % (len(payload), payload))
    chunks.append(b"0\r\n\r\n")
    return b"".join(chunks)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--data-size", type=int, default=64)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    body = build_body(args.events, args.data_size)
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            if b"\nlast-event-id:" in request.lower():
                writer.write(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
            else:
                writer.write(head)
                writer.write(body)
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", args.port)
    port = server.sockets[0].getsockname()[1]
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
