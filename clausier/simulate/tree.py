"""Scenario text to a YAML node tree, within the limits of `limits.py`.

PyYAML's own composer recurses once per nesting level, so a file of a few thousand `[`
ends in a RecursionError (or, in the C extension, worse) before any check can run. This
composer builds the same nodes (tags resolved, line marks kept, anchors and aliases)
from the parser's event stream with an explicit stack, and refuses a file as soon as it
goes beyond a limit: too deep, too many values, too long a value, too many fields.
The parser is LibYAML's when PyYAML has it (several times faster), else PyYAML's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from clausier.simulate.errors import ScenarioError
from clausier.simulate.limits import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_EVENTS,
    MAX_FIELDS,
    MAX_NODES,
    MAX_SCALAR_CHARS,
    shorten,
)

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_REWORD_CHARS = 100_000


@dataclass
class _Open:
    """A collection being built, and the field it is the value of (for messages)."""

    node: yaml.SequenceNode | yaml.MappingNode
    field: str | None
    key: yaml.Node | None = None  # a mapping's key waiting for its value
    items: int = 0


def check_size(text: str, source: str) -> None:
    # Characters first: no encoding when the text is plainly small or plainly too big.
    if len(text) * 4 <= MAX_BYTES:
        return
    size = len(text) if len(text) > MAX_BYTES else len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise ScenarioError(
            source, None, None, f"the scenario is over {MAX_BYTES:,} bytes (10 MiB), the limit"
        )


def compose(text: str, source: str) -> yaml.Node | None:
    """The single document of `text` as nodes; None when empty. Errors are ScenarioErrors."""
    check_size(text, source)
    loader = _Loader(text)
    try:
        return _compose(loader, source)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(text, source, exc) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        character = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise ScenarioError(
            source, line, None, f"invalid YAML: character #x{character:04x}: {exc.reason}"
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(source, None, None, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def _yaml_error(text: str, source: str, exc: yaml.MarkedYAMLError) -> ScenarioError:
    """The error as PyYAML's own parser words it (clearer than LibYAML's), at its line.

    Only for texts of up to 100 kB (about 1,000 events): the pure-Python parser takes
    about ten seconds per megabyte, and LibYAML's message is right too, if terser.
    """
    if _Loader is not yaml.SafeLoader and len(text) <= _REWORD_CHARS:
        try:
            for _event in yaml.parse(text, Loader=yaml.SafeLoader):
                pass
        except yaml.MarkedYAMLError as clearer:
            exc = clearer
        except yaml.YAMLError:
            pass
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    return ScenarioError(source, line, None, f"invalid YAML: {exc.problem}")


def _marks(event: Any) -> tuple[Any, Any]:
    """LibYAML's marks are not typed as PyYAML's, though they have the same fields."""
    return event.start_mark, event.end_mark


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1


def _compose(loader: yaml.SafeLoader, source: str) -> yaml.Node | None:
    loader.get_event()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        return None
    loader.get_event()  # document start
    root = _document(loader, source)
    loader.get_event()  # document end
    if not loader.check_event(yaml.StreamEndEvent):
        event = loader.peek_event()
        raise ScenarioError(
            source, _line(event), None, "a scenario is one YAML document; a second one starts here"
        )
    return root


def _document(loader: yaml.SafeLoader, source: str) -> yaml.Node:
    stack: list[_Open] = []
    anchors: dict[str, yaml.Node] = {}
    nodes = 0
    # Resolving a plain scalar's tag runs regular expressions; values repeat a lot.
    tags: dict[tuple[str, object], str] = {}
    root: yaml.Node | None = None
    while root is None:
        event: Any = loader.get_event()  # LibYAML's marks are not typed as PyYAML's
        if isinstance(event, yaml.CollectionEndEvent):
            closed = stack.pop()
            closed.node.end_mark = event.end_mark
            if not stack:
                root = closed.node
            continue
        nodes += 1
        if nodes > MAX_NODES:
            raise ScenarioError(
                source, _line(event), _field(stack), f"the scenario has over {MAX_NODES:,} values"
            )
        node: yaml.Node
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise ScenarioError(
                    source,
                    _line(event),
                    _field(stack),
                    f"no anchor &{shorten(str(event.anchor))} before",
                )
            node = anchors[event.anchor]
        elif isinstance(event, yaml.ScalarEvent):
            if len(event.value) > MAX_SCALAR_CHARS:
                raise ScenarioError(
                    source,
                    _line(event),
                    _field(stack),
                    f"a value of {len(event.value):,} characters; "
                    f"at most {MAX_SCALAR_CHARS} are allowed",
                )
            tag = event.tag
            if tag is None or tag == "!":
                known = (event.value, event.implicit)
                tag = tags.get(known)
                if tag is None:
                    tag = tags[known] = loader.resolve(yaml.ScalarNode, *known)
            start, end = _marks(event)
            # LibYAML gives plain scalars the style "", PyYAML None: the loader tests None.
            style = event.style or None
            node = yaml.ScalarNode(tag, event.value, start, end, style=style)
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise ScenarioError(
                    source,
                    _line(event),
                    _field(stack),
                    f"nested more than {MAX_DEPTH} levels deep",
                )
            node = _collection(loader, event)
        else:  # pragma: no cover - the parser yields nothing else inside a document
            raise ScenarioError(source, _line(event), _field(stack), "unexpected YAML")
        anchor = getattr(event, "anchor", None)
        if anchor is not None and not isinstance(event, yaml.AliasEvent):
            anchors[anchor] = node
        if isinstance(event, yaml.CollectionStartEvent):
            assert isinstance(node, (yaml.SequenceNode, yaml.MappingNode))
            opened = _Open(node, _field(stack))
        if stack:
            _attach(stack[-1], node, source, event)
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append(opened)
        elif not stack:
            root = node
    return root


def _collection(loader: yaml.SafeLoader, event: Any) -> yaml.SequenceNode | yaml.MappingNode:
    kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
    tag = event.tag
    if tag is None or tag == "!":
        tag = loader.resolve(kind, None, event.implicit)
    return kind(tag, [], event.start_mark, None, flow_style=event.flow_style)


def _field(stack: list[_Open]) -> str | None:
    """The field the next node belongs to: the pending key, else the enclosing field."""
    if not stack:
        return None
    top = stack[-1]
    if isinstance(top.node, yaml.MappingNode) and isinstance(top.key, yaml.ScalarNode):
        return shorten(str(top.key.value))
    return top.field


def _attach(parent: _Open, node: yaml.Node, source: str, event: Any) -> None:
    if isinstance(parent.node, yaml.SequenceNode):
        parent.items += 1
        if parent.items > MAX_EVENTS:
            raise ScenarioError(
                source, _line(event), parent.field, f"a list of over {MAX_EVENTS:,} items (events)"
            )
        parent.node.value.append(node)
        return
    if parent.key is None:
        parent.items += 1
        if parent.items > MAX_FIELDS:
            raise ScenarioError(
                source, _line(event), parent.field, f"a mapping of over {MAX_FIELDS} fields"
            )
        parent.key = node
        return
    parent.node.value.append((parent.key, node))
    parent.key = None
