#!/usr/bin/env python3
"""Echo server on python `websockets` (asyncio) for Gauntlet's integration test.

Usage: websockets_echo.py PORT — prints "ready" once listening. Limits are lifted so the
9.x cases (16 MiB messages, 65536 fragments) measure the protocol, not the defaults.
"""
import asyncio
import os
import sys

os.environ.setdefault("WEBSOCKETS_MAX_FRAGMENTS", "10000000")
from websockets.asyncio.server import serve  # noqa: E402


async def echo(ws):
    async for message in ws:
        await ws.send(message)


async def main(port):
    async with serve(echo, "127.0.0.1", port, max_size=None, max_queue=None,
                     compression="deflate", ping_interval=None) as server:
        print("ready", flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
