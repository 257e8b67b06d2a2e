"""Drives langchain-openai's ChatOpenAI against a running llmsim and prints one line per call: what it gave.

Not part of `npm test`: run through run-langchain.sh (it starts llmsim, with and without --enable-auto-tool-choice).
Exit status 1 when a call that should work did not.
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "stubs"))

import openai  # noqa: E402
from langchain_core.tools import tool  # noqa: E402
from langchain_openai import ChatOpenAI  # noqa: E402
from pydantic import BaseModel, Field  # noqa: E402

BASE = os.environ.get("LLMSIM_URL", "http://127.0.0.1:8011") + "/v1"
TOOLS_ON = os.environ.get("TOOLS_ON") == "1"
MODEL = "Qwen/Qwen3-8B"


class Person(BaseModel):
    """A person mentioned in the text."""

    name: str = Field(description="full name")
    age: int = Field(description="age in years")
    city: str


@tool
def get_weather(city: str, unit: str = "celsius") -> str:
    """Current weather for a city."""
    return f"22 degrees {unit} in {city}"


def llm(**kw) -> ChatOpenAI:
    return ChatOpenAI(model=MODEL, base_url=BASE, api_key="x", temperature=0, seed=7, max_retries=0, max_tokens=kw.pop("max_tokens", 64), **kw)


failures = []


def check(name, fn):
    try:
        out = fn()
        print(f"ok    {name}: {out}")
    except Exception as e:  # noqa: BLE001 - every failure is reported, none stops the run
        print(f"FAIL  {name}: {type(e).__name__}: {str(e)[:300]}")
        failures.append(name)


def expect_400(name, fn, text):
    try:
        fn()
    except openai.BadRequestError as e:
        assert e.status_code == 400 and text in str(e), str(e)
        print(f"ok    {name}: 400 {e.body.get('message') if isinstance(e.body, dict) else e.body}")
        return
    except Exception as e:  # noqa: BLE001
        print(f"FAIL  {name}: {type(e).__name__}: {str(e)[:300]}")
        failures.append(name)
        return
    print(f"FAIL  {name}: no error")
    failures.append(name)


def invoke():
    m = llm().invoke("Say hello in one sentence.")
    assert isinstance(m.content, str) and m.content, m
    assert m.usage_metadata and m.usage_metadata["output_tokens"] > 0, m.usage_metadata
    return f"{len(m.content)} chars, usage {m.usage_metadata['input_tokens']}+{m.usage_metadata['output_tokens']}, finish {m.response_metadata.get('finish_reason')}"


def stream():
    chunks = list(llm(stream_usage=True).stream("Say hello in one sentence."))
    text = "".join(c.content for c in chunks)
    whole = llm().invoke("Say hello in one sentence.").content
    assert text == whole, (text, whole)
    usage = [c.usage_metadata for c in chunks if c.usage_metadata]
    assert usage and usage[-1]["output_tokens"] > 0, usage
    return f"{len(chunks)} chunks, text equals invoke's ({len(text)} chars), usage {usage[-1]['input_tokens']}+{usage[-1]['output_tokens']}"


def json_mode():
    schema = json.dumps(Person.model_json_schema())
    prompt = f"Extract the person. Answer with a JSON object matching this JSON Schema:\n{schema}\n\nText: Ada Lovelace, 36, lives in London."
    p = llm(max_tokens=200).with_structured_output(Person, method="json_mode").invoke(prompt)
    assert isinstance(p, Person), p
    return repr(p)


def json_mode_parser_instructions():
    from langchain_core.output_parsers import PydanticOutputParser

    parser = PydanticOutputParser(pydantic_object=Person)
    prompt = f"{parser.get_format_instructions()}\n\nText: Ada Lovelace, 36, lives in London."
    p = (llm(max_tokens=200).bind(response_format={"type": "json_object"}) | parser).invoke(prompt)
    assert isinstance(p, Person), p
    return repr(p)


def json_schema():
    p = llm(max_tokens=200).with_structured_output(Person, method="json_schema").invoke("Ada Lovelace, 36, lives in London.")
    assert isinstance(p, Person), p
    return repr(p)


def json_schema_include_raw():
    r = llm(max_tokens=200).with_structured_output(Person, method="json_schema", include_raw=True).invoke("Ada, 36, London.")
    assert r["parsing_error"] is None and isinstance(r["parsed"], Person), r
    return f"parsed {r['parsed']!r}"


def function_calling():
    p = llm(max_tokens=200).with_structured_output(Person, method="function_calling").invoke("Ada Lovelace, 36, lives in London.")
    assert isinstance(p, Person), p
    return f"(named tool_choice) {p!r}"


def bind_tools(choice):
    def run():
        bound = llm(max_tokens=200).bind_tools([get_weather], **({"tool_choice": choice} if choice else {}))
        m = bound.invoke("What is the weather in Paris?")
        if choice in ("any", "required", "get_weather"):
            assert m.tool_calls, m
        if m.tool_calls:
            call = m.tool_calls[0]
            assert call["name"] == "get_weather" and isinstance(call["args"].get("city"), str), call
            return f"tool_calls {[(c['name'], c['args']) for c in m.tool_calls]}, finish {m.response_metadata.get('finish_reason')}"
        return f"text ({len(m.content)} chars), finish {m.response_metadata.get('finish_reason')}"

    return run


def tool_loop():
    bound = llm(max_tokens=200).bind_tools([get_weather], tool_choice="required")
    from langchain_core.messages import HumanMessage

    msgs = [HumanMessage("What is the weather in Paris?")]
    ai = bound.invoke(msgs)
    msgs.append(ai)
    for call in ai.tool_calls:
        msgs.append(get_weather.invoke(call))
    final = llm(max_tokens=64).bind_tools([get_weather]).invoke(msgs)
    assert isinstance(final.content, str) and final.content and not final.tool_calls, final
    return f"{len(ai.tool_calls)} call(s) -> ToolMessage -> text answer ({len(final.content)} chars)"


def stream_tools():
    bound = llm(max_tokens=200).bind_tools([get_weather], tool_choice="required")
    acc = None
    for c in bound.stream("What is the weather in Paris?"):
        acc = c if acc is None else acc + c
    assert acc.tool_calls and acc.tool_calls[0]["name"] == "get_weather", acc
    return f"chunks assemble to {[(c['name'], c['args']) for c in acc.tool_calls]}"


check("invoke", invoke)
check("stream", stream)
check("with_structured_output json_mode (schema in prompt)", json_mode)
check("json_object + PydanticOutputParser format instructions", json_mode_parser_instructions)
check("with_structured_output json_schema", json_schema)
check("with_structured_output json_schema include_raw", json_schema_include_raw)
if TOOLS_ON:
    check("with_structured_output function_calling", function_calling)
    check("bind_tools (tool_choice unset = auto)", bind_tools(None))
    check("bind_tools tool_choice=auto", bind_tools("auto"))
    check("bind_tools tool_choice=any (required)", bind_tools("any"))
    check("bind_tools tool_choice=get_weather (named)", bind_tools("get_weather"))
    check("tool loop: call, ToolMessage, answer", tool_loop)
    check("stream with tools", stream_tools)
else:
    AUTO = '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set'
    expect_400("bind_tools without the flags", lambda: llm().bind_tools([get_weather]).invoke("weather in Paris?"), AUTO)
    expect_400(
        "with_structured_output function_calling without the flags",
        lambda: llm().with_structured_output(Person, method="function_calling").invoke("Ada, 36, London."),
        'tool_choice=function "Person" requires --tool-call-parser to be set',
    )
print(f"{'tools on' if TOOLS_ON else 'tools off'}: {len(failures)} failed")
sys.exit(1 if failures else 0)
