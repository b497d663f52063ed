#!/usr/bin/env python3
"""A bounded slow-connection flood against a local listener, for t_sec_flood.

usage: flood.py HOST:PORT N SECONDS

Opens up to N connections to HOST:PORT (127.0.0.1 only: refuses anything
else), sends the start of a request line on each, then trickles one byte
per connection every half second, so that a timeout restarted by each byte
never fires.  Stops by itself after SECONDS, closes everything, and prints
"opened=A closed_by_server=B" (B: connections the server ended).
"""
import socket
import sys
import time

def main():
    addr, n, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    host, port = addr.rsplit(":", 1)
    if host != "127.0.0.1" or n > 5000 or secs > 120:
        sys.exit("flood.py: 127.0.0.1 only, at most 5000 connections, 120 s")
    end = time.monotonic() + secs
    socks, closed = [], 0
    for _ in range(n):
        if time.monotonic() > end - secs / 2:
            break
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(0.5)
        try:
            s.connect((host, int(port)))
            s.send(b"GET /healthz HTTP/1.1\r\nX-Slow: ")
            s.setblocking(False)
            socks.append(s)
        except OSError:
            s.close()
    opened = len(socks)
    while time.monotonic() < end and socks:
        alive = []
        for s in socks:
            try:
                try:
                    if s.recv(4096) == b"":
                        raise OSError("closed")
                except BlockingIOError:
                    pass
                s.send(b"x")
                alive.append(s)
            except OSError:
                closed += 1
                s.close()
        socks = alive
        time.sleep(0.5)
    for s in socks:
        s.close()
    print("opened=%d closed_by_server=%d" % (opened, closed))

main()
