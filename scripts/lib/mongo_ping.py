"""Send the MongoDB command {ping: 1} to 127.0.0.1:PORT; exit 0 if it answers ok: 1.

Usage: python3 mongo_ping.py PORT   (used for FerretDB readiness; no driver needed)
"""
import socket
import struct
import sys


def bson_ping():
    # {ping: int32 1, $db: "admin"}
    body = b"\x10ping\x00" + struct.pack("<i", 1)
    body += b"\x02$db\x00" + struct.pack("<i", 6) + b"admin\x00"
    return struct.pack("<i", len(body) + 5) + body + b"\x00"


def main():
    port = int(sys.argv[1])
    section = struct.pack("<I", 0) + b"\x00" + bson_ping()  # flagBits, kind 0 body
    msg = struct.pack("<iiii", 16 + len(section), 1, 0, 2013) + section  # OP_MSG
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.settimeout(2)
        s.sendall(msg)
        reply = b""
        while len(reply) < 4 or len(reply) < struct.unpack("<i", reply[:4])[0]:
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
    ok = b"\x01ok\x00" + struct.pack("<d", 1.0)
    return 0 if ok in reply else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError:
        sys.exit(1)
