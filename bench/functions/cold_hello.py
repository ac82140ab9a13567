# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The cold-start benchmark's stdlib function: OpenFaaS classic handle(req)."""


def handle(req):
    return f"hello {req or 'world'}"
