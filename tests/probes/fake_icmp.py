"""An echo responder on the far side of the `clausier-tun` interface (scripts/servers):
it reads the IPv4 packets the kernel routes into the TUN device and answers the ICMP
echo requests it is told to, so a case can stage the loss of chosen replies."""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import struct
import threading
from collections.abc import Callable, Iterator

TUN = "clausier-tun"
TARGET = "10.203.0.2"  # routed into the TUN device; no host behind it but this responder
_TUNSETIFF = 0x400454CA
_IFF_TUN, _IFF_NO_PI = 0x0001, 0x1000


def available() -> bool:
    return os.path.exists(f"/sys/class/net/{TUN}")


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def echo_reply(packet: bytes) -> bytes | None:
    """The reply to an IPv4 ICMP echo request, or None for anything else."""
    header_length = (packet[0] & 0x0F) * 4
    if packet[0] >> 4 != 4 or packet[9] != 1 or packet[header_length] != 8:
        return None
    icmp = bytearray(packet[header_length:])
    icmp[0] = 0  # echo reply
    icmp[2:4] = b"\0\0"
    icmp[2:4] = struct.pack("!H", _checksum(bytes(icmp)))
    ip = bytearray(packet[:header_length])
    ip[12:16], ip[16:20] = packet[16:20], packet[12:16]
    ip[8] = 64
    ip[10:12] = b"\0\0"
    ip[10:12] = struct.pack("!H", _checksum(bytes(ip)))
    return bytes(ip) + bytes(icmp)


LOCK = "/tmp/clausier-tun.lock"


@contextlib.contextmanager
def exclusive() -> Iterator[None]:
    """One case at a time on the TUN device, across pytest-xdist workers: a device has
    one responder, and a case that wants silence must not see another's replies."""
    with open(LOCK, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def responder(answer: Callable[[int], bool]) -> Iterator[None]:
    """Answer the n-th echo request (0-based, in arrival order) when `answer(n)`.
    Hold `exclusive()` around it."""
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, _TUNSETIFF, struct.pack("16sH", TUN.encode(), _IFF_TUN | _IFF_NO_PI))
    stop = threading.Event()

    def serve() -> None:
        seen = 0
        while not stop.is_set():
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                continue
            packet = os.read(fd, 65536)
            reply = echo_reply(packet)
            if reply is None:
                continue
            if answer(seen):
                os.write(fd, reply)
            seen += 1

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(5)
        os.close(fd)
