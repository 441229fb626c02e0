"""A fuzzingserver driver for the python `websockets` client, used by Gauntlet's own tests.

    python websockets_client_driver.py BASE_URL AGENT [--stop-after N] [--hang-after N]

It asks the server how many cases there are, opens one connection per case and sends back
every message it receives until the server closes, then asks for the reports. --stop-after N
exits with status 3 right after case N (a driver that dies mid-suite); --hang-after N sleeps
instead (a driver that hangs).
"""
import argparse
import asyncio
import os
import sys

from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException


async def echo_case(url):
    try:
        # close_timeout=1: where the client fails a connection itself (9.3.x/9.4.x: too many
        # fragments) it then waits this long before it gives up on the connection, after
        # Gauntlet has already judged the case; the library's 10 s default made four 10 s gaps
        # in the run (Autobahn's run of the same library shows the same four gaps).
        async with connect(url, max_size=None, close_timeout=1) as ws:
            async for message in ws:
                await ws.send(message)
    except (WebSocketException, OSError):
        # Many cases end with the server failing the connection on purpose.
        pass


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("agent")
    parser.add_argument("--stop-after", type=int)
    parser.add_argument("--hang-after", type=int)
    args = parser.parse_args()

    async with connect(f"{args.base}/getCaseCount") as ws:
        total = int(await ws.recv())
    for number in range(1, total + 1):
        await echo_case(f"{args.base}/runCase?case={number}&agent={args.agent}")
        if number == args.stop_after:
            sys.stdout.flush()
            os._exit(3)
        if number == args.hang_after:
            await asyncio.sleep(3600)
    async with connect(f"{args.base}/updateReports?agent={args.agent}"):
        pass


asyncio.run(main())
