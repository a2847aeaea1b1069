"""Cell codecs: a cell's text to a stored value (``parse``) and back (``format``).

The same codecs drive the admin's version form, so an editor learns one
format for both.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .. import constants as c
from ..codes import CodeError, validate_basic_code

_SEP_RE = re.compile(r"[、,，;；/\n]+")


class CellError(ValueError):
    """A cell value that cannot be read; ``message`` is shown to the editor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def cell_text(raw: Any) -> str:
    """A cell value as trimmed text; whole floats lose their ``.0``."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime | dt.date | dt.time):
        return raw.isoformat()
    return str(raw).strip()


def quote(value: str) -> str:
    return value if len(value) <= 30 else value[:30] + "…"


class Codec:
    """Turns a cell into a stored value (``parse``) and back (``format``)."""

    help = ""

    def parse(self, raw: Any) -> Any:
        raise NotImplementedError

    def format(self, value: Any) -> Any:
        raise NotImplementedError

    def normalise(self, value: Any) -> Any:
        """The stored value as an import would produce it (for change detection)."""
        try:
            return self.parse(self.format(value))
        except CellError:
            return value


class TextCodec(Codec):
    def __init__(self, max_length: int, *, required: bool = False) -> None:
        self.max_length = max_length
        self.required = required
        self.help = f"文本，最多{max_length}字" + ("，必填" if required else "")

    def parse(self, raw: Any) -> str:
        text = cell_text(raw)
        if self.required and not text:
            raise CellError(_("不能为空"))
        if len(text) > self.max_length:
            raise CellError(
                _("不能超过%(max_length)s个字符（当前%(length)s个）")
                % {"max_length": self.max_length, "length": len(text)}
            )
        return text

    def format(self, value: Any) -> str:
        return "" if value is None else str(value)


class BasicCodeCodec(Codec):
    help = "12位数字或大写字母，必填；请以文本格式填写，以免丢失开头的0"

    def parse(self, raw: Any) -> str:
        text = cell_text(raw)
        if not text:
            raise CellError(_("不能为空"))
        try:
            validate_basic_code(text)
        except CodeError as exc:
            raise CellError(
                _("“%(text)s”无效：%(message)s")
                % {"text": quote(text), "message": exc.message}
            ) from exc
        return text

    def format(self, value: Any) -> str:
        return str(value)


class IntCodec(Codec):
    def __init__(self, *, maximum: int, blank: int | None = None) -> None:
        self.maximum = maximum
        self.blank = blank
        self.help = "非负整数" + (
            "，不填表示未设定" if blank is None else f"，不填按{blank}"
        )

    def parse(self, raw: Any) -> int | None:
        text = cell_text(raw)
        if not text:
            return self.blank
        if isinstance(raw, bool) or not text.isdigit():
            raise CellError(_("应为非负整数，实际为“%(text)s”") % {"text": quote(text)})
        value = int(text)
        if value > self.maximum:
            raise CellError(
                _("不能大于%(maximum)s（实际为%(value)s）")
                % {"maximum": self.maximum, "value": value}
            )
        return value

    def format(self, value: Any) -> Any:
        return value


class ChoiceCodec(Codec):
    """One value of a choices class, by label or stored code."""

    def __init__(self, choices, *, blank: Any = None, aliases=None) -> None:
        self.choices = choices
        self.blank = blank
        self.lookup: dict[str, Any] = {}
        for value, label in choices.choices:
            label = str(label)
            keys = {str(value), label, label.split(" ")[0]}
            if str(value).isdigit():
                keys.add(str(value).zfill(2))
            for key in keys:
                self.lookup[key.lower()] = value
        for key, value in (aliases or {}).items():
            self.lookup[key.lower()] = value
        labels = "、".join(str(label) for _, label in choices.choices)
        self.help = (
            "填写其中之一："
            + labels
            + ("" if blank is None else f"；不填按“{choices(blank).label}”")
        )

    @property
    def expected(self) -> str:
        """What the cell should hold, in the request's language."""
        labels = "、".join(str(label) for _, label in self.choices.choices)
        return _("应为：%(labels)s") % {"labels": labels}

    def find(self, text: str) -> Any:
        value = self.lookup.get(text.lower())
        if value is None and text.isdigit():
            value = self.lookup.get(text.zfill(2))
        return value

    def parse(self, raw: Any) -> Any:
        text = cell_text(raw)
        if not text:
            if self.blank is None:
                raise CellError(_("不能为空"))
            return self.blank
        value = self.find(text)
        if value is None:
            raise CellError(
                _("无法识别“%(text)s”，%(expected)s")
                % {"text": quote(text), "expected": self.expected}
            )
        return value

    def format(self, value: Any) -> str:
        try:
            return str(self.choices(value).label)
        except ValueError:
            return "" if value is None else str(value)


class MultiChoiceCodec(ChoiceCodec):
    """Several values of a choices class, separated by 、 , ; or new lines."""

    def __init__(self, choices, **kwargs) -> None:
        super().__init__(choices, **kwargs)
        self.help = "可填多个，以“、”分隔：" + "、".join(
            str(label) for _, label in choices.choices
        )

    def parse(self, raw: Any) -> list:
        values: list = []
        for part in _SEP_RE.split(cell_text(raw)):
            part = part.strip()
            if not part:
                continue
            value = self.find(part)
            if value is None:
                raise CellError(
                    _("含无法识别的取值“%(part)s”，%(expected)s")
                    % {"part": quote(part), "expected": self.expected}
                )
            if value not in values:
                values.append(value)
        return values

    def format(self, value: Any) -> str:
        return "、".join(ChoiceCodec.format(self, v) for v in value or [])


class FlagsCodec(Codec):
    """Online capability flags 1-7 (docs/domain.md), as numbers or labels."""

    help = "网办能力编号1至7，以“、”分隔：" + "、".join(
        f"{k} {v}" for k, v in c.DEPTH_FLAGS.items()
    )

    def parse(self, raw: Any) -> list[int]:
        by_label = {str(v): k for k, v in c.DEPTH_FLAGS.items()}
        flags: set[int] = set()
        for part in _SEP_RE.split(cell_text(raw)):
            part = part.strip()
            if not part:
                continue
            if part.isdigit() and int(part) in c.DEPTH_FLAGS:
                flags.add(int(part))
            elif part in by_label:
                flags.add(by_label[part])
            else:
                raise CellError(
                    _("含无法识别的取值“%(part)s”，应为1至7的编号，以“、”分隔")
                    % {"part": quote(part)}
                )
        return sorted(flags)

    def format(self, value: Any) -> str:
        return "、".join(str(v) for v in value or [])


class BoolCodec(Codec):
    help = "是 或 否（不填为否）"
    TRUE = {"是", "y", "yes", "true", "1", "√", "支持", "有"}
    FALSE = {"否", "n", "no", "false", "0", "×", "不支持", "无"}

    def parse(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        text = cell_text(raw).lower()
        if not text or text in self.FALSE:
            return False
        if text in self.TRUE:
            return True
        raise CellError(_("应填“是”或“否”，实际为“%(text)s”") % {"text": quote(text)})

    def format(self, value: Any) -> str:
        return "是" if value else "否"


class LinesCodec(Codec):
    help = "每行一条"

    def __init__(self, *, item_max: int = 500) -> None:
        self.item_max = item_max

    def parse(self, raw: Any) -> list[str]:
        lines = [line.strip() for line in cell_text(raw).splitlines()]
        lines = [line for line in lines if line]
        for i, line in enumerate(lines, start=1):
            if len(line) > self.item_max:
                raise CellError(
                    _("第%(i)s条超过%(item_max)s个字符")
                    % {"i": i, "item_max": self.item_max}
                )
        return lines

    def format(self, value: Any) -> str:
        return "\n".join(one_line(str(v)) for v in value or [])


def one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    is_bool: bool = False


class RecordsCodec(Codec):
    """A list of small records: one per line, parts separated by ``|``.

    Empty parts are left out of the stored dict, so a record round-trips as
    long as its keys are the documented ones.
    """

    def __init__(self, *parts: Part, part_max: int = 500) -> None:
        self.parts = parts
        self.part_max = part_max
        self.help = "每行一条，各部分以“|”分隔：" + "|".join(p.label for p in parts)

    def parse(self, raw: Any) -> list[dict]:
        records = []
        lines = [line.strip() for line in cell_text(raw).splitlines()]
        for i, line in enumerate((line for line in lines if line), start=1):
            pieces = [p.strip() for p in line.split("|")]
            if len(pieces) > len(self.parts):
                raise CellError(
                    _("第%(i)s条有%(pieces)s段，最多%(parts)s段（%(labels)s）")
                    % {
                        "i": i,
                        "pieces": len(pieces),
                        "parts": len(self.parts),
                        "labels": "|".join(p.label for p in self.parts),
                    }
                )
            if not pieces[0]:
                raise CellError(
                    _("第%(i)s条缺少%(label)s") % {"i": i, "label": self.parts[0].label}
                )
            record: dict[str, Any] = {}
            for part, piece in zip(self.parts, pieces, strict=False):
                if not piece:
                    continue
                if len(piece) > self.part_max:
                    raise CellError(
                        _("第%(i)s条的%(label)s超过%(part_max)s个字符")
                        % {"i": i, "label": part.label, "part_max": self.part_max}
                    )
                if part.is_bool:
                    try:
                        record[part.key] = BoolCodec().parse(piece)
                    except CellError as exc:
                        raise CellError(
                            _("第%(i)s条的%(label)s%(message)s")
                            % {"i": i, "label": part.label, "message": exc.message}
                        ) from exc
                else:
                    record[part.key] = piece
            records.append(record)
        return records

    def format(self, value: Any) -> str:
        lines = []
        for record in value or []:
            if not isinstance(record, dict):
                lines.append(one_line(str(record)).replace("|", "｜"))
                continue
            pieces = []
            for part in self.parts:
                piece = record.get(part.key)
                if piece is None or piece == "":
                    pieces.append("")
                elif part.is_bool:
                    pieces.append(BoolCodec().format(piece))
                else:
                    pieces.append(one_line(str(piece)).replace("|", "｜"))
            while pieces and not pieces[-1]:
                pieces.pop()
            lines.append("|".join(pieces))
        return "\n".join(lines)
