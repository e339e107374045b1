"""Reading officers' YAML files safely.

`yaml.safe_load` turns `NO` into False, `010` into 8 and `12:30` into 750, and keeps the
last of two duplicate keys without a word (NOTES.md). Here the file is composed with
the C base loader, so every scalar stays the text the officer typed, and the node tree
is walked by hand: duplicate keys and aliases (the "billion laughs" bomb) are refused,
and every value keeps its line number for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import SosaError

MAX_BYTES = 50 * 1024 * 1024
# What the base loader gives untagged nodes; any explicit tag (!!python/object, !!int) is refused.
PLAIN_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


@dataclass
class Document:
    """One record read from a file: its values (text, lists, mappings) and their lines."""

    values: Any
    lines: dict[str, int]


def _loader():
    import yaml

    return getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def read_text(data: bytes, source: str) -> str:
    if len(data) > MAX_BYTES:
        raise SosaError(f"{source}: {len(data):,} bytes is too large for one file (at most {MAX_BYTES:,})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SosaError(f"{source}: not UTF-8 text (byte {exc.start} cannot be read)", hint="save the file as UTF-8") from None


def compose(text: str, source: str):
    import yaml

    try:
        return yaml.compose(text, Loader=_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        what = ", ".join(part for part in (exc.context, exc.problem) if part)
        raise SosaError(f"{source}{line}: malformed YAML: {what}") from None
    except yaml.YAMLError as exc:  # e.g. "expected a single document"
        raise SosaError(f"{source}: malformed YAML: {str(exc).splitlines()[0]}") from None


class _Walker:
    """Turns the node tree into text, lists and mappings, keeping each value's line."""

    def __init__(self, source: str):
        import yaml

        self.source = source
        self.seen: set[int] = set()
        self.scalar, self.sequence, self.mapping = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode

    def value(self, node: Any, path: str, lines: dict[str, int]) -> Any:
        source = self.source
        # A mapping's value is reported at its key's line, set by the caller.
        line = lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in self.seen:
            # The composer hands back the same node for every alias of an anchor.
            raise SosaError(f"{source}:{line}: anchors and aliases (&, *) are not accepted; write the values out")
        self.seen.add(id(node))
        if node.tag not in PLAIN_TAGS:
            raise SosaError(f"{source}:{line}: {path or 'value'}: YAML tags such as {node.tag} are not accepted")
        kind = node.__class__
        if kind is self.scalar:
            return node.value
        prefix = f"{path}." if path else ""
        if kind is self.sequence:
            return [self.value(item, f"{prefix}{i}", lines) for i, item in enumerate(node.value, start=1)]
        if kind is self.mapping:
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.__class__ is not self.scalar:
                    raise SosaError(f"{source}:{key_node.start_mark.line + 1}: a key must be plain text")
                key = key_node.value
                child = prefix + key
                if key in result:
                    raise SosaError(f"{source}:{key_node.start_mark.line + 1}: {key}: duplicate key (first given at line {lines.get(child)})")
                lines[child] = key_node.start_mark.line + 1
                result[key] = self.value(value_node, child, lines)
            return result
        raise SosaError(f"{source}:{line}: unsupported YAML node")


def read_records(data: bytes, source: str) -> list[Document]:
    """The records in a file holding one mapping or a list of mappings."""
    root = compose(read_text(data, source), source)
    if root is None:
        raise SosaError(f"{source}: the file holds no records")
    import yaml

    walker = _Walker(source)
    items = root.value if isinstance(root, yaml.SequenceNode) else [root]
    documents = []
    for node in items:
        lines: dict[str, int] = {}
        values = walker.value(node, "", lines)
        if not isinstance(values, dict):
            got = "a list" if isinstance(values, list) else "plain text"
            raise SosaError(f"{source}:{lines['']}: expected a record (a mapping such as `name_ja: …`), found {got}")
        documents.append(Document(values, lines))
    return documents
