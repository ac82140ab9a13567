# /// script
# requires-python = ">=3.11"
# dependencies = []
#
# [tool.faas]
# min-replicas = 0
# idle-timeout = "5m"
# env = { GREETING = "Hello" }
# ///
"""Hello: OpenFaaS classic style, standard library only. The body is the name to greet."""

import os


def handle(req: str) -> str:
    name = req.strip() or "world"
    return f"{os.environ.get('GREETING', 'Hello')}, {name}!\n"
