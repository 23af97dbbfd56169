"""Embeds texts through a Gatehouse hub with the official `openai` Python package, as a user would.

Reads one JSON job on stdin: {"base_url", "api_key", "model", "input"}. The package asks for
base64 unless told otherwise and decodes the float32 bytes itself, so the vectors written are
what a Python user gets. Writes {"vectors", "prompt_tokens"} as JSON on stdout.
"""

import json
import sys

import openai


def main() -> None:
    job = json.load(sys.stdin)
    client = openai.OpenAI(base_url=job["base_url"], api_key=job["api_key"], max_retries=0)
    answer = client.embeddings.create(model=job["model"], input=job["input"])
    json.dump(
        {
            "vectors": [list(map(float, d.embedding)) for d in answer.data],
            "prompt_tokens": answer.usage.prompt_tokens,
        },
        sys.stdout,
    )


main()
