#!/usr/bin/env python3
"""A subscriber of carenet.tasks in Python, with confluent-kafka (issue 20).

What a regional network's integration does with carenet's events, and nothing carenet-specific
beyond the published contracts (contracts/events/**/*.schema.json, contracts/asyncapi.yaml):

- checks the CloudEvents binary-mode headers of every message (ce_specversion 1.0, ce_id, ce_type,
  ce_source, ce_subject, ce_time, ce_dataschema, ce_sequence, content-type application/json);
- validates the value against the JSON Schema named by ce_type (JSON Schema 2020-12);
- deduplicates by ce_id (delivery is at least once: a relay restart or a replay re-sends);
- checks the order per key: after deduplication, each stream's ce_sequence goes 0, 1, 2... with
  no gap (messages of a replay, header carenet_replay, may repeat what was seen: they are
  duplicates by ce_id);
- rebuilds who is responsible for each Task from the responsibility ledger every Task event
  carries (`assignments`): the accountable parties and the performer at an instant.

Personal data the contracts mark "sealed" travels encrypted in the `protected` member (a compact
JWE); this subscriber has no topic key and needs none of it: it ignores the member.

Run:  python carenet_subscriber.py --brokers localhost:9092 --topic carenet.tasks \\
        --group region-na.tasks --contracts ../../contracts/events --idle-seconds 10 [--json]
SASL: KAFKA_SASL_MECHANISM (scram-sha-512...), KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD, KAFKA_SSL.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, KafkaError
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

REQUIRED_HEADERS = (
    "ce_specversion",
    "ce_id",
    "ce_type",
    "ce_source",
    "ce_subject",
    "ce_time",
    "ce_dataschema",
    "ce_sequence",
    "content-type",
)


def load_validators(contracts: Path) -> dict[str, Draft202012Validator]:
    """One validator per ce_type (a schema's title), references resolved by $id."""
    schemas = [json.loads(p.read_text("utf-8")) for p in sorted(contracts.rglob("*.schema.json"))]
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas
    )
    return {
        schema["title"]: Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())
        for schema in schemas
    }


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def party_key(party: dict[str, Any]) -> str:
    identifier = party.get("identifier", {})
    return f"{identifier.get('system', '')}|{identifier.get('value', '')}"


@dataclass
class Ledger:
    """A Task's responsibility ledger, as carenet keeps it (services/tasks, responsibility.ts)."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    decisions: int = 0

    def record(self, batch: list[dict[str, Any]]) -> None:
        """A batch without validTo ends the earlier open-ended entries of its role."""
        if not batch:
            return
        closing = {a["role"]: a["validFrom"] for a in batch if a.get("validTo") is None}
        for entry in self.entries:
            end = closing.get(entry["role"])
            if end is not None and entry.get("validTo") is None:
                entry["validTo"] = end
        self.entries.extend({**a, "decision": self.decisions} for a in batch)
        self.decisions += 1

    def holders_at(self, role: str, at: datetime) -> list[str]:
        valid = [
            e
            for e in self.entries
            if e["role"] == role
            and instant(e["validFrom"]) <= at
            and (e.get("validTo") is None or at < instant(e["validTo"]))
        ]
        if not valid:
            return []
        latest = max(e["decision"] for e in valid)
        keys: list[str] = []
        for e in valid:
            key = party_key(e["holder"])
            if e["decision"] == latest and key not in keys:
                keys.append(key)
        return keys


@dataclass
class Subscriber:
    validators: dict[str, Draft202012Validator]
    seen: set[str] = field(default_factory=set)
    last_sequence: dict[str, int] = field(default_factory=dict)
    ledgers: dict[str, Ledger] = field(default_factory=dict)
    messages: int = 0
    duplicates: int = 0
    replays: int = 0
    header_errors: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    order_errors: list[str] = field(default_factory=list)

    def handle(self, key: str, headers: dict[str, str], value: bytes) -> None:
        self.messages += 1
        missing = [h for h in REQUIRED_HEADERS if h not in headers]
        if missing:
            self.header_errors.append(f"{key}: missing {', '.join(missing)}")
            return
        if headers["ce_specversion"] != "1.0" or not headers["content-type"].startswith("application/json"):
            self.header_errors.append(f"{key}: ce_specversion {headers['ce_specversion']}, {headers['content-type']}")
            return
        if "carenet_replay" in headers:
            self.replays += 1
        event_id = headers["ce_id"]
        if event_id in self.seen:
            self.duplicates += 1
            return
        self.seen.add(event_id)

        data = json.loads(value)
        validator = self.validators.get(headers["ce_type"])
        if validator is None:
            self.invalid.append(f"{event_id}: unknown ce_type {headers['ce_type']}")
            return
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        if errors:
            first = errors[0]
            where = "/".join(str(p) for p in first.path) or "(root)"
            self.invalid.append(f"{event_id} {headers['ce_type']}: {where}: {first.message[:200]}")
            return

        sequence = int(headers["ce_sequence"])
        expected = self.last_sequence.get(key, -1) + 1
        if sequence != expected:
            self.order_errors.append(f"{key}: ce_sequence {sequence} after {expected - 1}")
        self.last_sequence[key] = max(sequence, self.last_sequence.get(key, -1))

        if key.startswith("Task-") and isinstance(data.get("assignments"), list):
            self.ledgers.setdefault(data["taskId"], Ledger()).record(data["assignments"])

    def summary(self, at: datetime) -> dict[str, Any]:
        return {
            "messages": self.messages,
            "events": len(self.seen),
            "duplicates": self.duplicates,
            "replays": self.replays,
            "headerErrors": self.header_errors,
            "invalid": self.invalid,
            "orderErrors": self.order_errors,
            "at": at.isoformat(),
            "responsible": {
                task: {
                    "accountable": ledger.holders_at("accountable", at),
                    "performer": ledger.holders_at("performer", at),
                }
                for task, ledger in sorted(self.ledgers.items())
            },
        }


def consumer_config(args: argparse.Namespace) -> dict[str, Any]:
    config: dict[str, Any] = {
        "bootstrap.servers": args.brokers,
        "group.id": args.group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": True,
    }
    mechanism = os.environ.get("KAFKA_SASL_MECHANISM")
    tls = os.environ.get("KAFKA_SSL", "false").lower() == "true"
    if mechanism:
        config.update(
            {
                "security.protocol": "SASL_SSL" if tls else "SASL_PLAINTEXT",
                "sasl.mechanism": mechanism.upper(),
                "sasl.username": os.environ["KAFKA_SASL_USERNAME"],
                "sasl.password": os.environ["KAFKA_SASL_PASSWORD"],
            }
        )
    elif tls:
        config["security.protocol"] = "SSL"
    return config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--brokers", required=True)
    parser.add_argument("--topic", default="carenet.tasks")
    parser.add_argument("--group", required=True)
    parser.add_argument("--contracts", type=Path, required=True, help="contracts/events of carenet")
    parser.add_argument("--idle-seconds", type=float, default=10.0, help="stop after this long without a message")
    parser.add_argument("--at", help="the instant of the responsibility answer (default: now)")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    args = parser.parse_args()

    subscriber = Subscriber(load_validators(args.contracts))
    consumer = Consumer(consumer_config(args))
    consumer.subscribe([args.topic])
    last = time.monotonic()
    try:
        while time.monotonic() - last < args.idle_seconds:
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                if message.error().code() == KafkaError._PARTITION_EOF:
                    continue
                print(f"kafka error: {message.error()}", file=sys.stderr)
                return 3
            last = time.monotonic()
            headers = {k: (v or b"").decode("utf-8") for k, v in (message.headers() or [])}
            subscriber.handle((message.key() or b"").decode("utf-8"), headers, message.value() or b"")
    finally:
        consumer.close()

    at = instant(args.at) if args.at else datetime.now(timezone.utc)
    summary = subscriber.summary(at)
    if args.json:
        print(json.dumps(summary))
    else:
        print(
            f"{summary['messages']} messages, {summary['events']} events, {summary['duplicates']} duplicates, "
            f"{len(summary['invalid'])} invalid, {len(summary['headerErrors'])} header errors, "
            f"{len(summary['orderErrors'])} order errors"
        )
        for task, who in summary["responsible"].items():
            print(f"Task/{task}: accountable {', '.join(who['accountable']) or '-'}, performer {', '.join(who['performer']) or '-'}")
    problems = summary["invalid"] or summary["headerErrors"] or summary["orderErrors"]
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
