# /// script
# requires-python = ">=3.11"
# dependencies = ["fastapi", "uvicorn"]
#
# [tool.faas]
# min-replicas = 0        # sleeps when idle: the first request wakes it
# max-replicas = 5
# idle-timeout = "2m"
# timeout = "30s"
# memory = "128Mi"
# cpu = "100m"
# ///
"""Echo: an ASGI app (FastAPI). `POST /function/echo/echo/` with {"message": "hi"}."""

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Message(BaseModel):
    message: str


@app.post("/echo/")
async def echo(body: Message) -> dict:
    return {"received_message": body.message}
