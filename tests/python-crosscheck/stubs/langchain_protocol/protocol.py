"""See __init__.py: each TypedDict of langchain_protocol.protocol as `dict` (calling it builds the same plain dict)."""


def __getattr__(name: str) -> type:
    return dict
