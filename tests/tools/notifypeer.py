#!/usr/bin/env python3
# A stand-in for systemd's notification socket: binds a unix datagram
# socket (a path, or an abstract name written "@name") and appends each
# datagram it receives to OUT as one line, its newlines shown as " | ".
# Used by tests/regress/t_sdnotify.sh; stopped by its PID.
import os
import socket
import sys

if len(sys.argv) != 3:
    sys.exit("usage: notifypeer.py SOCKET OUT")
name, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
if name.startswith("@"):
    s.bind("\0" + name[1:])
else:
    s.bind(name)
with open(out, "a", buffering=1) as f:
    f.write("bound\n")
    while True:
        data = s.recv(4096)
        f.write(data.decode("utf-8", "replace").replace("\n", " | ") + "\n")
