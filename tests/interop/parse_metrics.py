"""Reads a Prometheus text exposition with the Prometheus project's own
Python parser, independent of the Rust client that wrote it.

Usage: parse_metrics.py < scrape.txt. Prints one JSON object a line per
sample: {"family", "type", "name", "labels", "value"}. Exits non-zero
with the parser's message if the text is not valid exposition format.
"""

import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    text = sys.stdin.read()
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                print(
                    json.dumps(
                        {
                            "family": family.name,
                            "type": family.type,
                            "name": sample.name,
                            "labels": sample.labels,
                            "value": sample.value,
                        }
                    )
                )
    except ValueError as e:
        sys.exit(f"not Prometheus text: {e}")


if __name__ == "__main__":
    main()
