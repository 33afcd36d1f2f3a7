"""A loopback TCP proxy a test can take down, blackhole and bring back (store outages).

``TcpProxy(port)`` forwards ``127.0.0.1:<proxy.port>`` to ``127.0.0.1:port``:

* :meth:`down` closes the listening socket and every forwarded connection: new
  connections are refused, as when PostgreSQL is stopped.
* :meth:`blackhole` accepts new connections but never forwards a byte, as a
  server that does not answer (the client's own time-outs must end the wait).
* :meth:`up` listens again on the same port and forwards.
"""

from __future__ import annotations

import socket
import threading

__all__ = ["TcpProxy", "proxied_url"]


def proxied_url(url: str, proxy: TcpProxy, port: int = 5432) -> str:
    """``url`` with its ``:port`` replaced by the proxy's."""
    assert f":{port}/" in url, url
    return url.replace(f":{port}/", f":{proxy.port}/", 1)


class TcpProxy:
    """Forward a loopback port to ``upstream_port``; see the module docstring."""

    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self.mode = "up"
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener = self._listen(0)
        self.port = self._listener.getsockname()[1]
        self.accepted = 0

    def _listen(self, port: int) -> socket.socket:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return listener

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # listener closed
            with self._lock:
                self.accepted += 1
                self._sockets.append(client)
                if self.mode == "blackhole":
                    continue  # hold it open, never answer
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.append(upstream)
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _close_listener(self) -> None:
        if self._listener is None:
            return
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self._listener.close()
        self._listener = None

    def _drop_connections(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def down(self) -> None:
        """Refuse connections and cut the open ones (the server is stopped)."""
        with self._lock:
            self.mode = "down"
        self._close_listener()
        self._drop_connections()

    def blackhole(self) -> None:
        """Accept new connections but never answer them (the open ones are cut)."""
        self.down()
        with self._lock:
            self.mode = "blackhole"
        self._listener = self._listen(self.port)

    def up(self) -> None:
        """Forward again, on the same port."""
        self._close_listener()
        self._drop_connections()
        with self._lock:
            self.mode = "up"
        self._listener = self._listen(self.port)

    def close(self) -> None:
        """Stop for good."""
        self.down()
