"""Start and stop real servers (gunicorn, as in production) on free loopback ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ROOT", "Server", "free_port", "peak_rss_mb", "start_gunicorn"]

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "app" / "gunicorn.conf.py"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running gunicorn: its process, port and log file."""

    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """Pids of the gunicorn workers (children of the master)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        """Stop gunicorn gracefully (SIGTERM to the master; SIGKILL after 15 s)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_gunicorn(
    target: str,
    *,
    workers: int = 2,
    threads: int = 4,
    env: dict[str, str] | None = None,
    log_dir: Path | None = None,
    ready_path: str = "/_dash-layout",
    timeout: float = 120.0,
    root: Path = ROOT,
) -> Server:
    """Start ``gunicorn -c app/gunicorn.conf.py <target>`` and wait until it answers.

    ``root`` is the source tree to serve (default this one; the bench serves an
    earlier commit's tree, checked out apart, as "today's page").

    Raises
    ------
    RuntimeError
        If the server exits or does not answer ``ready_path`` within ``timeout`` s.
    """
    port = free_port()
    log_dir = log_dir or (ROOT / "bench" / "results")
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"gunicorn-{target.replace(':', '-').replace('.', '-')}-{port}.log"
    full_env = {**os.environ, **(env or {}), "PORT": str(port), "HOST": "127.0.0.1",
                "WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": str(threads),
                "PYTHONPATH": str(root)}
    cmd = [sys.executable, "-m", "gunicorn", "-c", str(root / "app" / "gunicorn.conf.py"),
           target]
    handle = log.open("wb")
    process = subprocess.Popen(cmd, cwd=root, env=full_env, stdout=handle,
                               stderr=subprocess.STDOUT)
    server = Server(process, port, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn {target} terminó: vea {log}")
        try:
            with urllib.request.urlopen(server.url + ready_path, timeout=5) as response:
                if response.status == 200 and len(server.worker_pids()) >= workers:
                    return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"gunicorn {target} no respondió en {timeout:.0f} s: vea {log}")


def peak_rss_mb(pid: int) -> dict[str, float]:
    """Peak RSS (VmHWM), current RSS and PSS of a process, in MB (Linux /proc)."""
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmHWM:", "VmRSS:")):
                out[line.split(":")[0]] = int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(("Pss:", "Private_Dirty:")):
                out[line.split(":")[0]] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return {"peak_rss_mb": out.get("VmHWM", float("nan")), "rss_mb": out.get("VmRSS", float("nan")),
            "pss_mb": out.get("Pss", float("nan")),
            "private_dirty_mb": out.get("Private_Dirty", float("nan"))}
