"""The machine Yunwei runs on, read with psutil: CPU, load, memory, swap, disk and inodes.

Only a CMDB host whose address is a loopback address (or that is marked as this machine by
the ``local`` parameter) can be checked this way; remote hosts need an SSH check.
"""

import ipaddress
import os

import psutil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yunwei.inspections.checks.base import CheckError, CheckType, Metric, Outcome, Param, Target

SKIPPED_FS = {"squashfs", "tmpfs", "devtmpfs", "overlay", "proc", "sysfs", "iso9660"}


def is_loopback(address: str) -> bool:
    if address in {"localhost", ""}:
        return address == "localhost"
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class LocalHostCheck(CheckType):
    code = "local_host"
    label = gettext_lazy("Local host (CPU, memory, disk)")
    target_kinds = ("host",)
    params = (
        Param(
            "mounts",
            gettext_lazy("mount points"),
            list,
            help=gettext_lazy("Comma-separated; blank means every real file system."),
        ),
        Param(
            "cpu_sample_seconds",
            gettext_lazy("CPU sample (s)"),
            float,
            default=0.5,
            minimum=0.1,
            maximum=5,
        ),
    )
    metrics = (
        Metric("cpu_percent", gettext_lazy("CPU usage"), "%", True, 80, 90),
        Metric("load_per_cpu", gettext_lazy("load average (1 min) per CPU"), "", True, 1.5, 3),
        Metric("memory_percent", gettext_lazy("memory usage"), "%", True, 85, 95),
        Metric("swap_percent", gettext_lazy("swap usage"), "%", True, 50, 80),
        Metric("disk_percent", gettext_lazy("disk usage"), "%", True, 85, 90),
        Metric("inode_percent", gettext_lazy("inode usage"), "%", True, 85, 90),
    )

    def collect(self, target: Target, params: dict, timeout: float) -> Outcome:
        if not is_loopback(target.address):
            raise CheckError(
                _(
                    "The local host check only reads the machine the platform runs on; "
                    "%(address)s is not a loopback address."
                )
                % {"address": target.address or "—"}
            )
        sample = min(params.get("cpu_sample_seconds") or 0.5, max(timeout / 2, 0.1))
        cpu = psutil.cpu_percent(interval=sample)
        load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        cpus = psutil.cpu_count() or 1
        memory = psutil.virtual_memory()
        swap = psutil.swap_memory()
        wanted = set(params.get("mounts") or [])
        disks, inodes = {}, {}
        for part in psutil.disk_partitions(all=False):
            if wanted and part.mountpoint not in wanted:
                continue
            if not wanted and part.fstype in SKIPPED_FS:
                continue
            try:
                usage = psutil.disk_usage(part.mountpoint)
            except OSError:
                continue
            disks[part.mountpoint] = round(usage.percent, 1)
            try:
                stat = os.statvfs(part.mountpoint)
            except OSError:
                continue
            if stat.f_files:
                inodes[part.mountpoint] = round(100 * (1 - stat.f_ffree / stat.f_files), 1)
        missing = sorted(wanted - set(disks))
        if missing:
            raise CheckError(
                _("Mount point(s) not found: %(mounts)s") % {"mounts": ", ".join(missing)}
            )
        values = {
            "cpu_percent": round(cpu, 1),
            "load_per_cpu": round(load1 / cpus, 2) if load1 is not None else None,
            "memory_percent": round(memory.percent, 1),
            "swap_percent": round(swap.percent, 1) if swap.total else 0.0,
            "disk_percent": disks or None,
            "inode_percent": inodes or None,
        }
        message = _("CPU %(cpu)s%%, memory %(mem)s%%, %(disks)s file systems") % {
            "cpu": values["cpu_percent"],
            "mem": values["memory_percent"],
            "disks": len(disks),
        }
        return Outcome(values, message)


CHECK = LocalHostCheck()
