"""Abuse resistance: a bot flood, a flood with solved proof of work, and 100 well-behaved users; and the
follow-up lock-out: a tipster entering their receipt while someone on the same address sends wrong ones.

    .venv/bin/python -m bench.abuse                           # full scale, the shared-file cache
    .venv/bin/python -m bench.abuse --redis redis://127.0.0.1:6379/14 --json-out var/bench-abuse.json
    .venv/bin/python -m bench.abuse --followup-only [--redis URL]   # only the follow-up lock-out

Without ``--redis`` the ``antiabuse`` cache is the one a deployment without Redis uses: the SQLite file
shared by the web workers (``tips.antiabuse.sharedcache``), here in the scratch data directory.

What it does, on a scratch SQLite database in a temporary data directory (``TRACEOBJECT_ENV=test`` with
``TRACEOBJECT_RATE_LIMITS=1``: the real settings, limits on):

1. migrates, and publishes one public object;
2. drives the real Django stack (``django.test.Client``: every middleware, the view, the form, the
   screening, ``tip_submit`` with its sealing and triage rows) with ``REMOTE_ADDR`` set per client, so
   that the middleware derives each client's tag exactly as in production;
3. plays a timeline in simulated time (``ratelimit.now``, which the limits and the surge breaker read):
   - 20 minutes of normal traffic: half of the distinct-address users, and a class of ``--nat`` pupils
     behind one NAT address sending their tips within two minutes;
   - then 10 minutes of attack: ``--bots`` posts without proof of work from ``--bot-addresses``
     addresses, ``--pow-flood`` posts from one address that each fetch the page and solve the challenge
     for real, and the other half of the distinct-address users among them;
   - of the distinct-address users, ``--nojs`` have JavaScript off (no proof of work);
4. counts, per group: sent, accepted (a receipt page), refused (429), and of the stored tips those in
   the main queue, i.e. the analysts' default inbox view (``InboxFilters()``: every status but the
   surge hold);
5. times ``pow.solution_valid`` (the signature and the hash), ``pow.pow_verify`` (with the single-use
   mark in the cache), and a solve in Python that does what ``pow.js`` does; and ``pow.js`` itself
   under Node when ``node`` is installed.

The goal (issue 6): 100 % of genuine tips accepted, at most 1 % of the bot flood in the main queue.

The follow-up lock-out (issue 13, part 6) runs in real time, with real threads through the whole stack:
an attacker thread posts random wrong receipts to ``/follow-up/`` at ``--attack-per-minute`` (1,000) from
one address, for ``--followup-seconds``; a tipster on the same address enters their correct receipt every
few seconds in a fresh browser (a new visit each time) and is timed from the first post to the thread page,
obeying any ``Retry-After``. The same tipster is timed first without the attacker (the same-run baseline).
The goal: every visit opens within 30 s; the attacker's own rate and answers are reported too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import Any

from bench.seed import CODE, bench_object

ROOT = Path(__file__).resolve().parent.parent
RECEIPT_MARKER = 'id="receipt-code"'
CHALLENGE_RE = re.compile(r'name="pow_challenge" value="([^"]+)"')
BOT_TEXT = "Cheap pills and crypto gains, click now at spam dot example, best offer of the year!"
GENUINE_TEXT = "I think I saw this {thing} in a shop in {place} around {year}, on the lower shelf."


@dataclass
class Config:
    bots: int = 10_000
    bot_addresses: int = 5
    pow_flood: int = 300
    genuine: int = 100
    nat: int = 30
    nojs: int = 10
    difficulty: int = 16
    seed: int = 6
    quiet: bool = False


@dataclass
class Group:
    sent: int = 0
    accepted: int = 0
    refused: int = 0
    other: int = 0
    stored: int = 0
    main_queue: int = 0
    unverified: int = 0
    tip_ids: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        data = asdict(self)
        del data["tip_ids"]
        return data


class SimClock:
    """Simulated seconds for the limits and the breaker: the timeline takes 30 minutes, the run far less."""

    def __init__(self, start: float) -> None:
        self.at = start

    def __call__(self) -> float:
        return self.at


@dataclass(frozen=True)
class Event:
    at: float  # seconds from the start of the timeline
    group: str  # bots | pow_flood | genuine
    address: str
    solves: bool  # fetches the page and solves the proof of work (JavaScript on)


def timeline(config: Config, rng: random.Random) -> list[Event]:
    events: list[Event] = []
    attack_start, attack_end = 20 * 60.0, 30 * 60.0
    distinct = config.genuine - config.nat
    for n in range(distinct):
        before = n % 2 == 0
        at = rng.uniform(0, attack_start) if before else rng.uniform(attack_start, attack_end)
        events.append(Event(at, "genuine", f"198.51.{n // 250}.{n % 250 + 1}", solves=n >= config.nojs))
    for _n in range(config.nat):
        events.append(Event(rng.uniform(5 * 60.0, 7 * 60.0), "genuine", "203.0.113.10", solves=True))
    for n in range(config.bots):
        address = f"10.66.0.{n % config.bot_addresses + 1}"
        events.append(Event(rng.uniform(attack_start, attack_end), "bots", address, solves=False))
    for _n in range(config.pow_flood):
        events.append(Event(rng.uniform(attack_start, attack_end), "pow_flood", "10.99.0.1", solves=True))
    events.sort(key=lambda event: event.at)
    return events


def simulate(config: Config) -> dict[str, Any]:
    """Play the timeline against the configured database and cache; Django must be set up."""
    from django.conf import settings
    from django.core.cache import caches
    from django.test import Client

    from traceobject.tips.antiabuse import pow as pow_module
    from traceobject.tips.antiabuse import ratelimit
    from traceobject.tips.models import Tip, TipStatus
    from traceobject.triage.selectors import InboxFilters, inbox_queryset

    rng = random.Random(config.seed)
    bench_object()
    object_url, tip_url = f"/objects/{CODE}/", f"/objects/{CODE}/tip/"
    caches["antiabuse"].clear()
    ratelimit.forget_memo()
    saved_clock, saved_difficulty = ratelimit.now, settings.TRACEOBJECT_POW_DIFFICULTY
    # Start on a round hour, so that the windows fall the same way in every run.
    clock = SimClock(float(int(time.time() // 3600 + 1) * 3600))
    start = clock.at
    ratelimit.now = clock
    settings.TRACEOBJECT_POW_DIFFICULTY = config.difficulty
    groups = {name: Group() for name in ("genuine", "bots", "pow_flood")}
    clients: dict[str, Client] = {}
    last_id = Tip.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = time.perf_counter()
    try:
        for event in timeline(config, rng):
            clock.at = start + event.at
            client = clients.setdefault(event.address, Client(REMOTE_ADDR=event.address))
            group = groups[event.group]
            if event.group == "bots":
                data = {"text": BOT_TEXT, "contact": "", "links": ""}
            else:
                data = {
                    "text": GENUINE_TEXT.format(
                        thing=rng.choice(["bag", "backpack", "print"]),
                        place=rng.choice(["Poznan", "Lyon", "Graz", "Leeds"]),
                        year=rng.randint(2005, 2020),
                    ),
                    "contact": "",
                    "links": "",
                }
            if event.solves:
                page = client.get(object_url).content.decode()
                match = CHALLENGE_RE.search(page)
                if match is None:
                    raise RuntimeError("the object page carries no proof-of-work challenge")
                challenge = unescape(match.group(1))
                data |= {"pow_challenge": challenge, "pow_nonce": pow_module.solve(challenge)}
            response = client.post(tip_url, data)
            group.sent += 1
            if response.status_code == 200 and RECEIPT_MARKER in response.content.decode():
                group.accepted += 1
                newest = Tip.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                if newest > last_id:
                    group.tip_ids.append(newest)
                    last_id = newest
            elif response.status_code == 429:
                group.refused += 1
            else:
                group.other += 1
    finally:
        ratelimit.now = saved_clock
        settings.TRACEOBJECT_POW_DIFFICULTY = saved_difficulty
    elapsed = time.perf_counter() - started
    main_queue = set(inbox_queryset(InboxFilters()).values_list("pk", flat=True))
    for group in groups.values():
        rows = Tip.objects.filter(pk__in=group.tip_ids).values_list("pk", "status", "unverified")
        for pk, status, unverified in rows:
            group.stored += 1
            group.main_queue += pk in main_queue and status != TipStatus.SURGE
            group.unverified += unverified
    genuine, bots = groups["genuine"], groups["bots"]
    genuine_share = genuine.accepted / genuine.sent if genuine.sent else 1.0
    bot_share = bots.main_queue / bots.sent if bots.sent else 0.0
    return {
        "config": asdict(config),
        "groups": {name: group.summary() for name, group in groups.items()},
        "genuine_accepted_share": genuine_share,
        "bot_main_queue_share": bot_share,
        "held": Tip.objects.filter(status=TipStatus.SURGE).count(),
        "wall_seconds": round(elapsed, 1),
        "goal_met": genuine_share == 1.0 and bot_share <= 0.01,
    }


def _median_us(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1e6, 1)


def pow_timings(difficulty: int, *, verifies: int = 2000, solves: int = 40) -> dict[str, Any]:
    """Median server-side verification and a Python solve (what pow.js does) at ``difficulty``."""
    from django.conf import settings

    from traceobject.tips.antiabuse import pow as pow_module

    saved = settings.TRACEOBJECT_POW_DIFFICULTY
    settings.TRACEOBJECT_POW_DIFFICULTY = difficulty
    try:
        solve_times: list[float] = []
        solved: list[tuple[str, str]] = []
        for _n in range(solves):
            challenge = pow_module.challenge_new(code=CODE)
            began = time.perf_counter()
            nonce = pow_module.solve(challenge)
            solve_times.append(time.perf_counter() - began)
            solved.append((challenge, nonce))
        valid_times: list[float] = []
        for n in range(verifies):
            challenge, nonce = solved[n % len(solved)]
            began = time.perf_counter()
            ok = pow_module.solution_valid(challenge, nonce)
            valid_times.append(time.perf_counter() - began)
            assert ok
        # The whole check with its single-use mark, on fresh challenges at level 0 (any nonce solves
        # them, and the work checked is one hash whatever the level): the cache write is the extra.
        settings.TRACEOBJECT_POW_DIFFICULTY = 0
        verify_times: list[float] = []
        for _n in range(min(verifies, 1000)):
            challenge = pow_module.challenge_new(code=CODE)
            began = time.perf_counter()
            ok = pow_module.pow_verify(challenge=challenge, nonce="0", code=CODE)
            verify_times.append(time.perf_counter() - began)
            assert ok
    finally:
        settings.TRACEOBJECT_POW_DIFFICULTY = saved
    return {
        "difficulty": difficulty,
        "solution_valid_median_us": _median_us(valid_times),
        "pow_verify_median_us": _median_us(verify_times),
        "python_solve_median_ms": round(statistics.median(solve_times) * 1000, 1),
        "python_solve_mean_ms": round(statistics.fmean(solve_times) * 1000, 1),
        "node_pow_js": _node_timing(difficulty),
    }


_NODE_SCRIPT = """
const { solve } = require(process.argv[1]);
const bits = parseInt(process.argv[2], 10), runs = parseInt(process.argv[3], 10);
(async () => {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const c = `${bits}.X.${Math.random().toString(36).slice(2)}:t:s`;
    const t = performance.now();
    await solve(globalThis.crypto.subtle, c, bits);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / runs;
  console.log(JSON.stringify({ runs, median_ms: times[Math.floor(runs / 2)], mean_ms: mean,
    p90_ms: times[Math.floor(runs * 0.9)], node: process.version }));
})();
"""


def _node_timing(difficulty: int, runs: int = 40) -> dict[str, Any] | None:
    """pow.js itself (crypto.subtle, batches of digests) under Node, when node is installed."""
    node = shutil.which("node")
    if node is None:
        return None
    script = ROOT / "traceobject" / "static" / "public" / "pow.js"
    try:
        done = subprocess.run(
            [node, "-e", _NODE_SCRIPT, str(script), str(difficulty), str(runs)],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    except (subprocess.SubprocessError, OSError):
        return None
    data: dict[str, Any] = json.loads(done.stdout)
    return {key: round(value, 1) if isinstance(value, float) else value for key, value in data.items()}


def _time_to_thread(client_factory: Callable[[], Any], receipt: str, give_up: float = 120.0) -> float:
    """Seconds from the first post of ``receipt`` to the thread page, waiting as ``Retry-After`` says."""
    client = client_factory()
    started = time.perf_counter()
    while time.perf_counter() - started < give_up:
        response = client.post("/follow-up/", {"receipt": receipt})
        if response.status_code == 303:
            if client.get(response["Location"]).status_code != 200:
                raise RuntimeError("the receipt opened no thread")
            return time.perf_counter() - started
        if response.status_code != 429:
            raise RuntimeError(f"the correct receipt got {response.status_code}")
        time.sleep(int(response["Retry-After"]))
    return float("inf")


def followup_lockout(
    *, attack_seconds: float, attack_per_minute: int, baseline_seconds: float, every: float, seed: int
) -> dict[str, Any]:
    """The tipster's time to open the thread, without and then with an attacker on the same address."""
    import threading

    from django.db import connection
    from django.test import Client

    from traceobject.tips.payload import TipPayload
    from traceobject.tips.receipts import receipt_generate
    from traceobject.tips.services import tip_submit

    address = "203.0.113.77"  # the onion service's (or the NAT's) one address

    def factory() -> Client:
        return Client(REMOTE_ADDR=address)

    receipt = tip_submit(obj=bench_object(), payload=TipPayload(text="Seen at a market stall.")).receipt
    rng = random.Random(seed)

    def tipster(seconds: float) -> list[float]:
        times: list[float] = []
        until = time.perf_counter() + seconds
        while time.perf_counter() < until:
            times.append(_time_to_thread(factory, receipt))
            time.sleep(max(0.0, every - times[-1]))
        return times

    baseline = tipster(baseline_seconds)
    answers: dict[int, int] = {}
    stop = threading.Event()
    wrong = [receipt_generate() for _ in range(int(attack_per_minute * attack_seconds / 60) + 10)]
    rng.shuffle(wrong)

    def attacker() -> None:
        client, interval, sent = factory(), 60.0 / attack_per_minute, 0
        started = time.perf_counter()
        try:
            while not stop.is_set() and sent < len(wrong):
                status = client.post("/follow-up/", {"receipt": wrong[sent]}).status_code
                answers[status] = answers.get(status, 0) + 1
                sent += 1
                delay = started + sent * interval - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
        finally:
            connection.close()

    thread = threading.Thread(target=attacker, daemon=True)
    attack_started = time.perf_counter()
    thread.start()
    time.sleep(min(5.0, attack_seconds / 4))  # the flood is under way before the tipster comes
    under_attack = tipster(attack_seconds - (time.perf_counter() - attack_started))
    stop.set()
    thread.join()
    attack_wall = time.perf_counter() - attack_started
    sent = sum(answers.values())
    return {
        "attack_per_minute_asked": attack_per_minute,
        "attack_per_minute_achieved": round(sent / attack_wall * 60),
        "attack_answers": {str(status): count for status, count in sorted(answers.items())},
        "baseline_visits": len(baseline),
        "baseline_median_s": round(statistics.median(baseline), 3),
        "under_attack_visits": len(under_attack),
        "under_attack_median_s": round(statistics.median(under_attack), 3),
        "under_attack_max_s": round(max(under_attack), 3),
        "ratio_median": round(statistics.median(under_attack) / statistics.median(baseline), 2),
        "goal_met": max(under_attack) <= 30.0,
    }


def receipt_check_rate(*, seconds: float, address: str = "203.0.113.78") -> dict[str, Any]:
    """How many wrong receipts one client gets answered per second, unpaced, through the whole stack:
    the blind guesser's rate per connection on this machine (docs/security.md, "Receipts and guessing")."""
    from django.test import Client

    from traceobject.tips.receipts import receipt_generate

    client, answers = Client(REMOTE_ADDR=address), 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if client.post("/follow-up/", {"receipt": receipt_generate()}).status_code != 400:
            raise RuntimeError("a random receipt was not simply refused")
        answers += 1
    return {
        "seconds": seconds,
        "answered": answers,
        "per_second": round(answers / (time.perf_counter() - started)),
    }


def report_followup(result: dict[str, Any], echo: Callable[[str], None] = print) -> None:
    echo(
        f"follow-up lock-out: attacker {result['attack_per_minute_achieved']}/min wrong receipts "
        f"(answers {result['attack_answers']}); tipster opened the thread in median "
        f"{result['under_attack_median_s']} s, at most {result['under_attack_max_s']} s, over "
        f"{result['under_attack_visits']} visits (without the attacker: median "
        f"{result['baseline_median_s']} s, ratio {result['ratio_median']}); "
        f"goal (every visit within 30 s) met: {result['goal_met']}"
    )
    rate = result["wrong_receipts_one_client"]
    echo(f"wrong receipts answered for one unpaced client: {rate['per_second']}/s over {rate['seconds']} s")


def _setup(redis_url: str | None) -> Path:
    data_dir = Path(tempfile.mkdtemp(prefix="traceobject-abuse-"))
    os.environ.update(
        {
            "TRACEOBJECT_ENV": "test",
            "TRACEOBJECT_DATA_DIR": str(data_dir),
            "TRACEOBJECT_RATE_LIMITS": "1",
            "DJANGO_SETTINGS_MODULE": "traceobject.settings",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    if redis_url:
        os.environ["TRACEOBJECT_REDIS_URL"] = redis_url
    else:
        os.environ["TRACEOBJECT_ANTIABUSE_PATH"] = str(data_dir / "antiabuse" / "shared.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return data_dir


def report(result: dict[str, Any], timings: dict[str, Any], echo: Callable[[str], None] = print) -> None:
    for name, group in result["groups"].items():
        echo(
            f"{name:10s} sent {group['sent']:6d}  accepted {group['accepted']:6d}"
            f"  refused {group['refused']:6d}"
            f"  other {group['other']:3d}  stored {group['stored']:6d}  main queue {group['main_queue']:5d}"
            f"  unverified {group['unverified']:6d}"
        )
    echo(
        f"genuine accepted {result['genuine_accepted_share']:.1%}; bot flood in the main queue "
        f"{result['bot_main_queue_share']:.2%}; held in surge {result['held']};"
        f" goal met: {result['goal_met']}"
    )
    echo(f"wall time {result['wall_seconds']} s")
    echo(json.dumps(timings))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--bots", type=int, default=Config.bots)
    parser.add_argument("--bot-addresses", type=int, default=Config.bot_addresses)
    parser.add_argument("--pow-flood", type=int, default=Config.pow_flood)
    parser.add_argument("--genuine", type=int, default=Config.genuine)
    parser.add_argument("--nat", type=int, default=Config.nat)
    parser.add_argument("--nojs", type=int, default=Config.nojs)
    parser.add_argument("--difficulty", type=int, default=Config.difficulty)
    parser.add_argument("--seed", type=int, default=Config.seed)
    parser.add_argument("--redis", default=None, help="a Redis URL for the antiabuse cache")
    parser.add_argument("--json-out", type=Path, default=None)
    parser.add_argument("--followup-only", action="store_true", help="only the follow-up lock-out")
    parser.add_argument("--followup-seconds", type=float, default=120.0)
    parser.add_argument("--followup-baseline-seconds", type=float, default=30.0)
    parser.add_argument("--attack-per-minute", type=int, default=1000)
    args = parser.parse_args(argv)
    config = Config(
        bots=args.bots,
        bot_addresses=args.bot_addresses,
        pow_flood=args.pow_flood,
        genuine=args.genuine,
        nat=args.nat,
        nojs=args.nojs,
        difficulty=args.difficulty,
        seed=args.seed,
    )
    data_dir = _setup(args.redis)
    result: dict[str, Any] = {}
    try:
        from django.core.cache import caches

        caches["antiabuse"].clear()
        if not args.followup_only:
            result = simulate(config)
            result["pow"] = pow_timings(config.difficulty)
        caches["antiabuse"].clear()
        result["followup_lockout"] = followup_lockout(
            attack_seconds=args.followup_seconds,
            attack_per_minute=args.attack_per_minute,
            baseline_seconds=args.followup_baseline_seconds,
            every=5.0,
            seed=config.seed,
        )
        caches["antiabuse"].clear()
        result["followup_lockout"]["wrong_receipts_one_client"] = receipt_check_rate(seconds=10.0)
    finally:
        if args.redis:
            from django.core.cache import caches

            caches["antiabuse"].clear()
        shutil.rmtree(data_dir, ignore_errors=True)
    result["cache"] = "redis" if args.redis else "shared-file"
    result["when"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    if not args.followup_only:
        report(result, result["pow"])
    report_followup(result["followup_lockout"])
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    goals = [result["followup_lockout"]["goal_met"]] + ([] if args.followup_only else [result["goal_met"]])
    return 0 if all(goals) else 1


if __name__ == "__main__":
    sys.exit(main())
