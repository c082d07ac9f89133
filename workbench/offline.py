"""The offline guarantee: refuse every outbound connection that is not to this machine.

``block_network()`` wraps ``socket.socket.connect`` (and ``connect_ex``, ``create_connection``,
``getaddrinfo`` for non-local names) so that any attempt to reach another host raises
``NetworkBlockedError``. Loopback stays open: llama.cpp's runtime, Jupyter and Dask's local
cluster talk over 127.0.0.1. The CLI, the notebooks and the tests call it at start-up.
"""
from __future__ import annotations

import ipaddress
import os
import socket
import threading

from workbench.errors import NetworkBlockedError

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}
_lock = threading.Lock()
_original: dict[str, object] = {}


def _is_local_address(host: object) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]")
    if host in _LOCAL_NAMES or host == socket.gethostname():
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _check(address: object) -> None:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return
    if isinstance(address, tuple) and address and not _is_local_address(address[0]):
        raise NetworkBlockedError(
            f"network access to {address[0]} blocked: the workbench runs offline "
            "(set WORKBENCH_ALLOW_NETWORK=1 to lift this, at your own risk)"
        )


def block_network() -> None:
    """Refuse connections to any non-loopback address in this process. Idempotent."""
    if os.environ.get("WORKBENCH_ALLOW_NETWORK") == "1":
        return
    with _lock:
        if _original:
            return
        _original["connect"] = socket.socket.connect
        _original["connect_ex"] = socket.socket.connect_ex
        _original["getaddrinfo"] = socket.getaddrinfo

        def connect(self, address, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self.family in (socket.AF_INET, socket.AF_INET6):
                _check(address)
            return _original["connect"](self, address, *args, **kwargs)  # type: ignore[operator]

        def connect_ex(self, address, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self.family in (socket.AF_INET, socket.AF_INET6):
                _check(address)
            return _original["connect_ex"](self, address, *args, **kwargs)  # type: ignore[operator]

        def getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
            if not _is_local_address(host):
                raise NetworkBlockedError(
                    f"name lookup of {host!r} blocked: the workbench runs offline"
                )
            return _original["getaddrinfo"](host, *args, **kwargs)  # type: ignore[operator]

        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]


def unblock_network() -> None:
    """Undo ``block_network`` (tests only)."""
    with _lock:
        if not _original:
            return
        socket.socket.connect = _original.pop("connect")  # type: ignore[method-assign]
        socket.socket.connect_ex = _original.pop("connect_ex")  # type: ignore[method-assign]
        socket.getaddrinfo = _original.pop("getaddrinfo")  # type: ignore[assignment]


def network_blocked() -> bool:
    return bool(_original)
