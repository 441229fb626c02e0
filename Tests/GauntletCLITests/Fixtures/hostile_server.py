#!/usr/bin/env python3
"""A hostile WebSocket server for Gauntlet's report-escaping test (stdlib only).

Usage: hostile_server.py PORT — prints "ready" once listening. It completes every opening
handshake correctly, but its response headers, server name and close reason carry markup that
mutates the DOM if a report ever lets it execute.
"""
import base64
import hashlib
import socket
import sys
import threading

SCRIPT = "<script>document.documentElement.setAttribute('data-pwned','1')</script>"
IMG = "\"><img src=x onerror=\"document.documentElement.setAttribute('data-pwned','2')\">"
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def serve(conn):
    with conn:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        key = b""
        for line in data.split(b"\r\n"):
            if line.lower().startswith(b"sec-websocket-key:"):
                key = line.split(b":", 1)[1].strip()
        accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
        conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Accept: " + accept + b"\r\nServer: " + SCRIPT.encode() + b"\r\n"
                     b"X-Evil: " + IMG.encode() + b"\r\n\r\n")
        reason = IMG.encode()[:120]
        payload = (1000).to_bytes(2, "big") + reason
        conn.sendall(bytes([0x88, len(payload)]) + payload)
        try:
            while conn.recv(4096):
                pass
        except OSError:
            pass


def main(port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    print("ready", flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main(int(sys.argv[1]))
