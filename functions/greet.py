# /// script
# requires-python = ">=3.11"
# dependencies = ["flask>=3"]
#
# [tool.faas]
# min-replicas = 1        # kept warm: no cold start for the first caller
# max-replicas = 3
# timeout = "10s"
# memory = "96Mi"
# ///
"""Greet: a WSGI app (Flask). `GET /function/greet/?name=Ada` or `POST` JSON {"name": "Ada"}."""

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/", methods=["GET", "POST"])
def greet():
    body = request.get_json(silent=True) or {}
    name = body.get("name") or request.args.get("name", "world")
    return jsonify(greeting=f"Hello, {name}!")
