"""The one exception type every monitoring reader raises for bad input files.

A reader collects *all* problems of a file (vectorised, as a Polars frame of
file/row/column/message) and raises them together, so a user can fix a file in one pass.
Messages are zh-CN because users read them; rows are 1-based as a spreadsheet shows them
(the header is row 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

#: How many problems an error lists; the total count is always kept.
MAX_LISTED_PROBLEMS = 50

#: Schema of a vectorised problem frame (what readers build with Polars expressions).
PROBLEM_SCHEMA = pl.Schema(
    {
        "file": pl.String(),
        "row": pl.Int64(),
        "column": pl.String(),
        "message": pl.String(),
    }
)


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One problem in an input file: where it is and what is wrong (zh-CN)."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [f"文件「{self.file}」"]
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"列「{self.column}」")
        return f"{' '.join(where)}：{self.message}"


class InputFileError(ValueError):
    """Bad input: one or more problems, the first `MAX_LISTED_PROBLEMS` listed, all counted.

    Raised before anything is written, so an import is all or nothing.
    """

    def __init__(self, problems: Sequence[InputProblem], total: int | None = None) -> None:
        listed = tuple(problems[:MAX_LISTED_PROBLEMS])
        self.problems: tuple[InputProblem, ...] = listed
        self.total: int = max(total if total is not None else len(problems), len(listed))
        super().__init__(self._render())

    def _render(self) -> str:
        head = f"输入数据有 {self.total} 处问题，未导入任何数据"
        if self.total > len(self.problems):
            head += f"（以下仅列出前 {len(self.problems)} 处）"
        return head + "：\n" + "\n".join(f"  - {p}" for p in self.problems)

    @classmethod
    def from_frames(cls, frames: Iterable[pl.DataFrame]) -> InputFileError | None:
        """Build the error from problem frames (schema `PROBLEM_SCHEMA`); None when all are empty."""
        nonempty = [
            f.select(list(PROBLEM_SCHEMA))
            .cast(PROBLEM_SCHEMA)
            # a message built from an empty cell (pl.format of null) still names the cell
            .with_columns(pl.col("message").fill_null("该单元格为空或无效"))
            for f in frames
            if f.height
        ]
        if not nonempty:
            return None
        # Listed in reading order (file, then row; file-level problems first) for the user.
        allp = pl.concat(nonempty, how="vertical").sort(
            ["file", "row"], nulls_last=False, maintain_order=True
        )
        listed = allp.head(MAX_LISTED_PROBLEMS)
        problems = [
            InputProblem(file=r["file"], row=r["row"], column=r["column"], message=r["message"])
            for r in listed.iter_rows(named=True)
        ]
        return cls(problems, total=allp.height)


def problem_frame(
    file: str, message: str, row: int | None = None, column: str | None = None
) -> pl.DataFrame:
    """A one-row problem frame, for file-level problems found outside a vectorised check."""
    return pl.DataFrame(
        {"file": [file], "row": [row], "column": [column], "message": [message]},
        schema=PROBLEM_SCHEMA,
    )


def raise_if_problems(frames: Iterable[pl.DataFrame]) -> None:
    """Raise `InputFileError` when any problem frame has rows."""
    error = InputFileError.from_frames(frames)
    if error is not None:
        raise error
