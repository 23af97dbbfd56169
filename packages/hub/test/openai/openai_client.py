"""Calls a Gatehouse hub through the official `openai` Python package, as a user would.

Reads one JSON job on stdin: {"base_url", "api_key", "model", "prompt", "max_tokens", "missing",
"cut": {"api_key", "model"}}, the last a caller whose token budget a stream outruns.
Writes one JSON object on stdout with what each call gave back, so that the test
compares it with what the model itself writes.
"""

import json
import sys

import openai


def main() -> None:
    job = json.load(sys.stdin)
    client = openai.OpenAI(base_url=job["base_url"], api_key=job["api_key"], max_retries=0)
    model, prompt, max_tokens = job["model"], job["prompt"], job["max_tokens"]
    out = {}

    out["models"] = [m.id for m in client.models.list().data]

    whole = client.completions.create(
        model=model, prompt=prompt, max_tokens=max_tokens, temperature=0
    )
    out["completion"] = {
        "text": whole.choices[0].text,
        "finish_reason": whole.choices[0].finish_reason,
        "usage": whole.usage.model_dump(include={"prompt_tokens", "completion_tokens", "total_tokens"}),
    }

    pieces, usage = [], None
    for chunk in client.completions.create(
        model=model,
        prompt=prompt,
        max_tokens=max_tokens,
        temperature=0,
        stream=True,
        stream_options={"include_usage": True},
    ):
        if chunk.choices:
            pieces.append(chunk.choices[0].text)
        if chunk.usage is not None:
            usage = chunk.usage.model_dump(
                include={"prompt_tokens", "completion_tokens", "total_tokens"}
            )
    out["stream"] = {"text": "".join(pieces), "usage": usage}

    chat = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": "Who are you?"}],
        max_tokens=max_tokens,
        temperature=0,
    )
    out["chat"] = chat.choices[0].message.content

    content = []
    for chunk in client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": "Who are you?"}],
        max_tokens=max_tokens,
        temperature=0,
        stream=True,
    ):
        if chunk.choices and chunk.choices[0].delta.content:
            content.append(chunk.choices[0].delta.content)
    out["chat_stream"] = "".join(content)

    try:
        client.completions.create(model=job["missing"], prompt=prompt, max_tokens=2)
        out["missing"] = None
    except openai.NotFoundError as err:
        out["missing"] = {"status": err.status_code, "code": err.code, "param": err.param}

    try:
        client.completions.create(model=model, prompt=prompt, max_tokens=100_000)
        out["too_many"] = None
    except openai.BadRequestError as err:
        out["too_many"] = {"status": err.status_code, "param": err.param}

    cut = openai.OpenAI(base_url=job["base_url"], api_key=job["cut"]["api_key"], max_retries=0)
    pieces = []
    try:
        for chunk in cut.completions.create(
            model=job["cut"]["model"], prompt=prompt, max_tokens=20, temperature=0, stream=True
        ):
            if chunk.choices:
                pieces.append(chunk.choices[0].text)
        out["cut"] = None
    except openai.APIError as err:
        out["cut"] = {"code": err.code, "text": "".join(pieces)}

    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
