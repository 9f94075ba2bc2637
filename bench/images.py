"""Image pipeline timings: a 24-megapixel photo processed into every derivative, and bombs refused.

    TRACEOBJECT_ENV=test .venv/bin/python -m bench.images                 # 7 runs each
    TRACEOBJECT_ENV=test .venv/bin/python -m bench.images --runs 11 --json-out var/bench-images.json

What it measures, in a throw-away data directory (test mode) with a migrated SQLite database:

1. **24 MP processing**: a 6000x4000 JPEG (seeded grain under a few hundred filled shapes, quality
   90, so neither trivially compressible nor pure noise) is stored through ``object_image_add``, then
   ``services.object_image_process`` (the body of the ``image_process`` task: read the private
   original, decode, orient, derive WebP and JPEG at 320/640/1280, write the files, read them back for
   the metadata check, face scan, perceptual hash, near-duplicate query, database update) runs
   ``--runs`` times, the face scan's per-process result cache emptied before each run; the median is
   quoted. The stages are also timed alone: ``inspect`` (the upload's validating decode, in the
   request), ``sanitize`` (decode to encoded derivatives) and ``scan.image_scan``.
2. **Bomb refusal**, each in a fresh subprocess so its peak memory is its own: a genuine PNG
   decompression bomb (20000x20000 grey, about 400 MB of pixels in a ~400 KB file), a PNG and a TIFF
   whose headers claim 30000x30000 and 100000x100000, a WebP claiming 16383x16383, and a progressive
   JPEG of very many scans (``tests/imaging/corpus.py``'s ``scan_bomb_jpeg``). Reported:
   median refusal time over ``--runs`` calls, the tracemalloc peak of one call, and the process's peak
   resident memory (VmHWM) before and after.

The machine is shared: the load average and other processes' CPU use are printed with the figures.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import shutil
import statistics
import struct
import subprocess
import sys
import time
import tracemalloc
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BOMBS = ("png-real-20000", "png-header-30000", "tiff-header-100000", "webp-header-16383", "jpeg-scan-bomb")


def _setup_django() -> None:
    os.environ.setdefault("TRACEOBJECT_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traceobject.settings")
    if os.environ["TRACEOBJECT_ENV"] != "test":
        raise SystemExit("run with TRACEOBJECT_ENV=test: the benchmark needs a throw-away data directory")
    import django

    django.setup()


# --- Inputs -------------------------------------------------------------------------------------------


def photo_24mp(seed: int = 24) -> bytes:
    """6000x4000: grain everywhere, 400 flat shapes on top, saved at JPEG quality 90."""
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    base = rng.normal(128, 40, size=(4000, 6000, 3)).clip(0, 255).astype(np.uint8)
    image = Image.fromarray(base, "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y = int(rng.integers(0, 6000)), int(rng.integers(0, 4000))
        w, h = int(rng.integers(40, 900)), int(rng.integers(40, 900))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.rectangle((x, y, x + w, y + h), fill=colour)
        else:
            draw.ellipse((x, y, x + w, y + h), fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_real_bomb(side: int = 20000) -> bytes:
    """A valid greyscale PNG of side x side zeros: ~400 MB of pixels compressed to a few hundred KB."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte + pixels
    parts = [compressor.compress(row * 500) for _ in range(side // 500)]
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )


def bomb(name: str) -> bytes:
    sys.path.insert(0, str(ROOT))
    from tests.imaging import corpus

    makers: dict[str, Callable[[], bytes]] = {
        "png-real-20000": png_real_bomb,
        "png-header-30000": lambda: corpus.png_claiming(30000, 30000),
        "tiff-header-100000": lambda: corpus.tiff_claiming(100_000, 100_000),
        "webp-header-16383": lambda: corpus.webp_claiming(16383, 16383),
        # A progressive JPEG of very many scans: each scan makes libjpeg walk the whole image again.
        "jpeg-scan-bomb": corpus.scan_bomb_jpeg,
    }
    return makers[name]()


# --- Measurements -------------------------------------------------------------------------------------


def _timed(action: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def _summary(times: list[float]) -> dict[str, float]:
    return {
        "median_s": round(statistics.median(times), 4),
        "min_s": round(min(times), 4),
        "max_s": round(max(times), 4),
        "runs": len(times),
    }


def _cpu_busy_elsewhere(seconds: float = 1.0) -> float:
    """Cores' worth of CPU used by other processes over ``seconds`` (from /proc/stat minus ours)."""

    def totals() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields) - idle, sum(fields)

    try:
        busy0, all0 = totals()
        own0 = resource.getrusage(resource.RUSAGE_SELF)
        time.sleep(seconds)
        busy1, all1 = totals()
        own1 = resource.getrusage(resource.RUSAGE_SELF)
    except OSError:
        return float("nan")
    cores = os.cpu_count() or 1
    ticks = os.sysconf("SC_CLK_TCK")
    own = (own1.ru_utime + own1.ru_stime - own0.ru_utime - own0.ru_stime) * ticks
    return round(max(0.0, (busy1 - busy0 - own) / max(1, all1 - all0) * cores), 2)


def bench_processing(runs: int) -> dict[str, Any]:
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from traceobject.gallery.models import Category, Object, ObjectStatus
    from traceobject.imaging import scan, storage
    from traceobject.imaging.sanitize import inspect, sanitize
    from traceobject.imaging.services import object_image_add, object_image_process

    call_command("migrate", verbosity=0)
    data = photo_24mp()
    category = Category.objects.create(slug="bench", name="Bench")
    obj = Object.objects.create(
        code="BENCH-24MP", title="Bench", category=category, status=ObjectStatus.DRAFT
    )

    first_started = time.perf_counter()
    image = object_image_add(obj=obj, data=data)  # upload checks + first processing (also warms caches)
    first = time.perf_counter() - first_started
    assert image.status == "ready", image.error

    def process_afresh() -> None:
        scan._face_cache.clear()  # measure the face scan itself, not the per-process cache of results
        object_image_process(image_id=image.pk)

    process = _timed(process_afresh, runs)
    original = storage.read_private(image.original_path)
    upload_check = _timed(lambda: inspect(original, max_pixels=settings.IMAGE_MAX_PIXELS), runs)
    derive = _timed(
        lambda: sanitize(original, widths=settings.IMAGE_WIDTHS, max_pixels=settings.IMAGE_MAX_PIXELS), runs
    )
    image.refresh_from_db()

    def scan_afresh() -> None:
        scan._face_cache.clear()
        scan.image_scan(
            object_id=obj.pk, derivatives=image.derivatives, width=image.width, phash=image.perceptual_hash
        )

    scanning = _timed(scan_afresh, runs)
    return {
        "input": {"width": 6000, "height": 4000, "bytes": len(data), "jpeg_quality": 90},
        "derivatives": sorted((d["width"], d["format"]) for d in image.derivatives),
        "first_add_s": round(first, 4),
        "process": _summary(process),
        "upload_check": _summary(upload_check),
        "sanitize": _summary(derive),
        "scan": _summary(scanning),
    }


def _peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM). Unlike ``getrusage``'s ru_maxrss, which Linux
    carries over from the parent through fork and exec, it starts afresh in a new program."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def bomb_child(name: str, runs: int) -> dict[str, Any]:
    """Runs in its own process: refuse ``name`` and report time and memory."""
    _setup_django()
    from django.conf import settings

    from traceobject.core.errors import ApplicationError
    from traceobject.imaging.sanitize import inspect

    data = bomb(name)
    rss_before = _peak_rss_mib()

    def refuse() -> str:
        try:
            inspect(data, max_pixels=settings.IMAGE_MAX_PIXELS)
        except ApplicationError as refused:
            return refused.message
        raise AssertionError(f"{name} was accepted")

    tracemalloc.start()
    message = refuse()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times = _timed(refuse, runs)
    rss_after = _peak_rss_mib()
    return {
        "file_bytes": len(data),
        "message": message,
        **_summary(times),
        "tracemalloc_peak_kib": round(peak / 1024, 1),
        "peak_rss_before_mib": rss_before,
        "peak_rss_after_mib": rss_after,
    }


def bench_bombs(runs: int) -> dict[str, Any]:
    results = {}
    for name in BOMBS:
        completed = subprocess.run(
            [sys.executable, "-m", "bench.images", "--bomb-child", name, "--runs", str(runs)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        results[name] = json.loads(completed.stdout.strip().splitlines()[-1])
    return results


def _versions() -> dict[str, str]:
    from importlib import metadata

    names = ("pillow", "pillow-heif", "opencv-python-headless", "ImageHash", "numpy")
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs per measurement (median quoted)")
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--bomb-child", choices=BOMBS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    if args.bomb_child:
        result = bomb_child(args.bomb_child, args.runs)
        _cleanup()
        print(json.dumps(result))
        return 0

    load_before = os.getloadavg()
    busy_before = _cpu_busy_elsewhere()
    processing = bench_processing(args.runs)
    bombs = bench_bombs(args.runs)
    busy_after = _cpu_busy_elsewhere()
    summary = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(
            ["TRACEOBJECT_ENV=test", Path(sys.executable).name, "-m", "bench.images", *(argv or sys.argv[1:])]
        ),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": [round(v, 2) for v in load_before],
            "other_cpu_cores_busy_before": busy_before,
            "other_cpu_cores_busy_after": busy_after,
            **_versions(),
        },
        "processing_24mp": processing,
        "bombs": bombs,
    }
    _cleanup()
    print(json.dumps(summary, indent=2))
    process = processing["process"]["median_s"]
    worst_bomb = max(b["median_s"] for b in bombs.values())
    print(
        f"\n24 MP processing, median of {processing['process']['runs']}: {process:.3f} s (goal < 1.5 s); "
        f"slowest bomb refusal, median: {worst_bomb * 1000:.1f} ms (goal < 200 ms)",
        file=sys.stderr,
    )
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(summary, indent=2))
    return 0


def _cleanup() -> None:
    """Remove the throw-away data directory that test mode created."""
    from django.conf import settings

    data_dir = Path(settings.DATA_DIR)
    if data_dir.name.startswith("traceobject-test-") and not os.environ.get("TRACEOBJECT_DATA_DIR"):
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
